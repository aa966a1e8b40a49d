//! Places: the claimed countries with their regions, cities, time zones, phone numbering and
//! address style, plus the zones that remote operators work from.
//!
//! Phone prefixes are real numbering-plan prefixes (libphonenumber accepts the numbers built
//! from them as valid for the country), and every city carries its IANA zone, so offsets with
//! daylight-saving time are exactly what a browser there would report on that date.

use chrono_tz::Tz;

/// A city: name as usually typed, IANA zone, local area codes for fixed/mobile numbers where the
/// country's numbers carry a geographic area code (North America, Brazil, Mexico).
#[derive(Debug)]
pub(crate) struct City {
    pub name: &'static str,
    pub zone: Tz,
    pub area_codes: &'static [&'static str],
    pub postal: &'static str,
}

/// A region (state, province) with its usual abbreviation.
#[derive(Debug)]
pub(crate) struct Region {
    pub name: &'static str,
    pub abbrev: &'static str,
    pub cities: &'static [City],
}

/// How a country's people write addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddressStyle {
    /// "1234 Oak St, Apt 5, Springfield, IL 62704"
    NumberFirst,
    /// "Lindenstraße 12, 10115 Berlin"
    StreetFirst,
}

/// How local phone numbers are built: mobile prefixes and total national significant length.
#[derive(Debug)]
pub(crate) struct Numbering {
    /// International calling code without "+".
    pub calling_code: &'static str,
    /// National significant number prefixes for mobiles (used where cities have no area codes).
    pub mobile_prefixes: &'static [&'static str],
    /// Length of the national significant number.
    pub nsn_len: usize,
    /// National trunk prefix written before the number in local style ("0"), if any.
    pub trunk: &'static str,
    /// Digit-group sizes of the local written style, summing to the written length.
    pub groups: &'static [usize],
}

#[derive(Debug)]
pub(crate) struct Country {
    pub code: &'static str,
    pub regions: &'static [Region],
    pub numbering: Numbering,
    pub address: AddressStyle,
    pub streets: &'static [&'static str],
    /// Weight of the country among legitimate applicants.
    pub weight: f64,
}

macro_rules! city {
    ($name:expr, $zone:expr, [$($ac:expr),*], $postal:expr) => {
        City { name: $name, zone: $zone, area_codes: &[$($ac),*], postal: $postal }
    };
}

use chrono_tz::{Africa, America, Asia, Atlantic, Australia, Europe, Pacific};

const US_STREETS: &[&str] = &[
    "Oak",
    "Maple",
    "Pine",
    "Cedar",
    "Elm",
    "Main",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Sunset",
    "Lincoln",
    "Jackson",
    "Highland",
    "Willow",
    "Meadow",
    "River",
    "Chestnut",
    "Franklin",
    "Madison",
    "Spring",
    "Forest",
    "Ridge",
    "Walnut",
    "Cherry",
    "Valley",
];

pub(crate) static COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        weight: 64.0,
        address: AddressStyle::NumberFirst,
        streets: US_STREETS,
        numbering: Numbering {
            calling_code: "1",
            mobile_prefixes: &[],
            nsn_len: 10,
            trunk: "",
            groups: &[3, 3, 4],
        },
        regions: &[
            Region {
                name: "California",
                abbrev: "CA",
                cities: &[
                    city!("San Francisco", America::Los_Angeles, ["415", "628"], "941"),
                    city!(
                        "Los Angeles",
                        America::Los_Angeles,
                        ["213", "310", "323"],
                        "900"
                    ),
                    city!("San Jose", America::Los_Angeles, ["408", "669"], "951"),
                    city!("San Diego", America::Los_Angeles, ["619", "858"], "921"),
                ],
            },
            Region {
                name: "New York",
                abbrev: "NY",
                cities: &[
                    city!(
                        "New York",
                        America::New_York,
                        ["212", "718", "917", "646"],
                        "100"
                    ),
                    city!("Buffalo", America::New_York, ["716"], "142"),
                ],
            },
            Region {
                name: "Texas",
                abbrev: "TX",
                cities: &[
                    city!("Austin", America::Chicago, ["512", "737"], "787"),
                    city!("Houston", America::Chicago, ["713", "832"], "770"),
                    city!("Dallas", America::Chicago, ["214", "469", "972"], "752"),
                    city!("El Paso", America::Denver, ["915"], "799"),
                ],
            },
            Region {
                name: "Washington",
                abbrev: "WA",
                cities: &[
                    city!("Seattle", America::Los_Angeles, ["206"], "981"),
                    city!("Bellevue", America::Los_Angeles, ["425"], "980"),
                    city!("Spokane", America::Los_Angeles, ["509"], "992"),
                ],
            },
            Region {
                name: "Florida",
                abbrev: "FL",
                cities: &[
                    city!("Miami", America::New_York, ["305", "786"], "331"),
                    city!("Orlando", America::New_York, ["407", "321"], "328"),
                    city!("Pensacola", America::Chicago, ["850"], "325"),
                ],
            },
            Region {
                name: "Illinois",
                abbrev: "IL",
                cities: &[city!(
                    "Chicago",
                    America::Chicago,
                    ["312", "773", "872"],
                    "606"
                )],
            },
            Region {
                name: "Massachusetts",
                abbrev: "MA",
                cities: &[
                    city!("Boston", America::New_York, ["617", "857"], "021"),
                    city!("Worcester", America::New_York, ["508"], "016"),
                ],
            },
            Region {
                name: "Arizona",
                abbrev: "AZ",
                cities: &[
                    city!("Phoenix", America::Phoenix, ["602", "480", "623"], "850"),
                    city!("Tucson", America::Phoenix, ["520"], "857"),
                ],
            },
            Region {
                name: "Georgia",
                abbrev: "GA",
                cities: &[city!(
                    "Atlanta",
                    America::New_York,
                    ["404", "678", "470"],
                    "303"
                )],
            },
            Region {
                name: "Colorado",
                abbrev: "CO",
                cities: &[
                    city!("Denver", America::Denver, ["303", "720"], "802"),
                    city!("Boulder", America::Denver, ["303"], "803"),
                ],
            },
            Region {
                name: "North Carolina",
                abbrev: "NC",
                cities: &[
                    city!("Raleigh", America::New_York, ["919", "984"], "276"),
                    city!("Charlotte", America::New_York, ["704", "980"], "282"),
                ],
            },
            Region {
                name: "Oregon",
                abbrev: "OR",
                cities: &[city!(
                    "Portland",
                    America::Los_Angeles,
                    ["503", "971"],
                    "972"
                )],
            },
            Region {
                name: "Virginia",
                abbrev: "VA",
                cities: &[
                    city!("Arlington", America::New_York, ["703", "571"], "222"),
                    city!("Richmond", America::New_York, ["804"], "232"),
                ],
            },
            Region {
                name: "Minnesota",
                abbrev: "MN",
                cities: &[city!("Minneapolis", America::Chicago, ["612"], "554")],
            },
            Region {
                name: "Indiana",
                abbrev: "IN",
                cities: &[
                    city!(
                        "Indianapolis",
                        America::Indiana::Indianapolis,
                        ["317", "463"],
                        "462"
                    ),
                    city!("Gary", America::Chicago, ["219"], "464"),
                ],
            },
            Region {
                name: "Hawaii",
                abbrev: "HI",
                cities: &[city!("Honolulu", Pacific::Honolulu, ["808"], "968")],
            },
            Region {
                name: "Alaska",
                abbrev: "AK",
                cities: &[city!("Anchorage", America::Anchorage, ["907"], "995")],
            },
        ],
    },
    Country {
        code: "CA",
        weight: 6.0,
        address: AddressStyle::NumberFirst,
        streets: &[
            "King",
            "Queen",
            "Yonge",
            "Bloor",
            "Granville",
            "Robson",
            "Sainte-Catherine",
            "Bank",
            "Jasper",
            "Portage",
        ],
        numbering: Numbering {
            calling_code: "1",
            mobile_prefixes: &[],
            nsn_len: 10,
            trunk: "",
            groups: &[3, 3, 4],
        },
        regions: &[
            Region {
                name: "Ontario",
                abbrev: "ON",
                cities: &[
                    city!("Toronto", America::Toronto, ["416", "647", "437"], "M5V"),
                    city!("Ottawa", America::Toronto, ["613", "343"], "K1P"),
                ],
            },
            Region {
                name: "British Columbia",
                abbrev: "BC",
                cities: &[city!(
                    "Vancouver",
                    America::Vancouver,
                    ["604", "778"],
                    "V6B"
                )],
            },
            Region {
                name: "Quebec",
                abbrev: "QC",
                cities: &[city!("Montreal", America::Toronto, ["514", "438"], "H2X")],
            },
            Region {
                name: "Alberta",
                abbrev: "AB",
                cities: &[city!("Calgary", America::Edmonton, ["403", "587"], "T2P")],
            },
            Region {
                name: "Nova Scotia",
                abbrev: "NS",
                cities: &[city!("Halifax", America::Halifax, ["902"], "B3H")],
            },
        ],
    },
    Country {
        code: "GB",
        weight: 4.0,
        address: AddressStyle::NumberFirst,
        streets: &[
            "High Street",
            "Station Road",
            "Church Lane",
            "Victoria Road",
            "Green Lane",
            "Manor Road",
        ],
        numbering: Numbering {
            calling_code: "44",
            mobile_prefixes: &["7400", "7500", "7700", "7800", "7900", "7911"],
            nsn_len: 10,
            trunk: "0",
            groups: &[5, 6],
        },
        regions: &[
            Region {
                name: "England",
                abbrev: "ENG",
                cities: &[
                    city!("London", Europe::London, [], "EC1"),
                    city!("Manchester", Europe::London, [], "M1"),
                ],
            },
            Region {
                name: "Scotland",
                abbrev: "SCT",
                cities: &[city!("Edinburgh", Europe::London, [], "EH1")],
            },
        ],
    },
    Country {
        code: "DE",
        weight: 3.0,
        address: AddressStyle::StreetFirst,
        streets: &[
            "Hauptstraße",
            "Bahnhofstraße",
            "Lindenstraße",
            "Gartenstraße",
            "Schulstraße",
        ],
        numbering: Numbering {
            calling_code: "49",
            mobile_prefixes: &["151", "152", "157", "160", "170", "171", "176"],
            nsn_len: 11,
            trunk: "0",
            groups: &[4, 8],
        },
        regions: &[
            Region {
                name: "Berlin",
                abbrev: "BE",
                cities: &[city!("Berlin", Europe::Berlin, [], "10115")],
            },
            Region {
                name: "Bayern",
                abbrev: "BY",
                cities: &[city!("München", Europe::Berlin, [], "80331")],
            },
        ],
    },
    Country {
        code: "FR",
        weight: 2.0,
        address: AddressStyle::NumberFirst,
        streets: &[
            "rue de la Paix",
            "avenue Victor Hugo",
            "rue Nationale",
            "boulevard Voltaire",
        ],
        numbering: Numbering {
            calling_code: "33",
            mobile_prefixes: &["6", "73", "75", "76", "77", "78"],
            nsn_len: 9,
            trunk: "0",
            groups: &[2, 2, 2, 2, 2],
        },
        regions: &[
            Region {
                name: "Île-de-France",
                abbrev: "IDF",
                cities: &[city!("Paris", Europe::Paris, [], "75011")],
            },
            Region {
                name: "Auvergne-Rhône-Alpes",
                abbrev: "ARA",
                cities: &[city!("Lyon", Europe::Paris, [], "69002")],
            },
        ],
    },
    Country {
        code: "ES",
        weight: 2.0,
        address: AddressStyle::StreetFirst,
        streets: &[
            "Calle Mayor",
            "Calle Real",
            "Avenida de la Constitución",
            "Calle del Sol",
        ],
        numbering: Numbering {
            calling_code: "34",
            mobile_prefixes: &["6", "71", "72"],
            nsn_len: 9,
            trunk: "",
            groups: &[3, 3, 3],
        },
        regions: &[
            Region {
                name: "Madrid",
                abbrev: "MD",
                cities: &[city!("Madrid", Europe::Madrid, [], "28013")],
            },
            Region {
                name: "Canarias",
                abbrev: "CN",
                cities: &[city!("Las Palmas", Atlantic::Canary, [], "35001")],
            },
        ],
    },
    Country {
        code: "NL",
        weight: 1.5,
        address: AddressStyle::StreetFirst,
        streets: &["Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsweg"],
        numbering: Numbering {
            calling_code: "31",
            mobile_prefixes: &["61", "62", "63", "64", "65"],
            nsn_len: 9,
            trunk: "0",
            groups: &[2, 8],
        },
        regions: &[Region {
            name: "Noord-Holland",
            abbrev: "NH",
            cities: &[city!("Amsterdam", Europe::Amsterdam, [], "1012")],
        }],
    },
    Country {
        code: "PL",
        weight: 2.5,
        address: AddressStyle::StreetFirst,
        streets: &["ul. Polna", "ul. Leśna", "ul. Słoneczna", "ul. Krótka"],
        numbering: Numbering {
            calling_code: "48",
            mobile_prefixes: &["501", "512", "601", "691", "721", "791", "881"],
            nsn_len: 9,
            trunk: "",
            groups: &[3, 3, 3],
        },
        regions: &[
            Region {
                name: "Mazowieckie",
                abbrev: "MZ",
                cities: &[city!("Warszawa", Europe::Warsaw, [], "00-001")],
            },
            Region {
                name: "Małopolskie",
                abbrev: "MA",
                cities: &[city!("Kraków", Europe::Warsaw, [], "30-001")],
            },
        ],
    },
    Country {
        code: "IN",
        weight: 5.0,
        address: AddressStyle::NumberFirst,
        streets: &[
            "MG Road",
            "Brigade Road",
            "Nehru Nagar",
            "Gandhi Street",
            "Park Street",
        ],
        numbering: Numbering {
            calling_code: "91",
            mobile_prefixes: &["98", "99", "97", "96", "93", "90", "88", "70", "63"],
            nsn_len: 10,
            trunk: "0",
            groups: &[6, 5],
        },
        regions: &[
            Region {
                name: "Karnataka",
                abbrev: "KA",
                cities: &[city!("Bengaluru", Asia::Kolkata, [], "560001")],
            },
            Region {
                name: "Maharashtra",
                abbrev: "MH",
                cities: &[city!("Pune", Asia::Kolkata, [], "411001")],
            },
            Region {
                name: "Telangana",
                abbrev: "TG",
                cities: &[city!("Hyderabad", Asia::Kolkata, [], "500001")],
            },
        ],
    },
    Country {
        code: "BR",
        weight: 3.0,
        address: AddressStyle::StreetFirst,
        streets: &[
            "Rua das Flores",
            "Avenida Paulista",
            "Rua Augusta",
            "Rua da Consolação",
        ],
        numbering: Numbering {
            calling_code: "55",
            mobile_prefixes: &[],
            nsn_len: 11,
            trunk: "",
            groups: &[2, 5, 4],
        },
        regions: &[
            Region {
                name: "São Paulo",
                abbrev: "SP",
                cities: &[city!("São Paulo", America::Sao_Paulo, ["11"], "01310")],
            },
            Region {
                name: "Rio de Janeiro",
                abbrev: "RJ",
                cities: &[city!("Rio de Janeiro", America::Sao_Paulo, ["21"], "20040")],
            },
            Region {
                name: "Amazonas",
                abbrev: "AM",
                cities: &[city!("Manaus", America::Manaus, ["92"], "69005")],
            },
        ],
    },
    Country {
        code: "MX",
        weight: 2.5,
        address: AddressStyle::StreetFirst,
        streets: &[
            "Avenida Reforma",
            "Calle Juárez",
            "Avenida Insurgentes",
            "Calle Hidalgo",
        ],
        numbering: Numbering {
            calling_code: "52",
            mobile_prefixes: &[],
            nsn_len: 10,
            trunk: "",
            groups: &[2, 4, 4],
        },
        regions: &[
            Region {
                name: "Ciudad de México",
                abbrev: "CDMX",
                cities: &[city!(
                    "Ciudad de México",
                    America::Mexico_City,
                    ["55"],
                    "06600"
                )],
            },
            Region {
                name: "Jalisco",
                abbrev: "JAL",
                cities: &[city!("Guadalajara", America::Mexico_City, ["33"], "44100")],
            },
            Region {
                name: "Baja California",
                abbrev: "BC",
                cities: &[city!("Tijuana", America::Tijuana, ["664"], "22000")],
            },
            Region {
                name: "Quintana Roo",
                abbrev: "QROO",
                cities: &[city!("Cancún", America::Cancun, ["998"], "77500")],
            },
        ],
    },
    Country {
        code: "PH",
        weight: 2.0,
        address: AddressStyle::NumberFirst,
        streets: &[
            "Rizal Avenue",
            "Mabini Street",
            "Bonifacio Street",
            "Ayala Avenue",
        ],
        numbering: Numbering {
            calling_code: "63",
            mobile_prefixes: &[
                "917", "918", "919", "920", "921", "927", "928", "939", "947",
            ],
            nsn_len: 10,
            trunk: "0",
            groups: &[4, 3, 4],
        },
        regions: &[Region {
            name: "Metro Manila",
            abbrev: "NCR",
            cities: &[
                city!("Makati", Asia::Manila, [], "1226"),
                city!("Quezon City", Asia::Manila, [], "1100"),
            ],
        }],
    },
    Country {
        code: "AU",
        weight: 2.0,
        address: AddressStyle::NumberFirst,
        streets: &[
            "George Street",
            "Collins Street",
            "Queen Street",
            "Hay Street",
            "King William Street",
        ],
        numbering: Numbering {
            calling_code: "61",
            mobile_prefixes: &["412", "413", "421", "433", "450", "478"],
            nsn_len: 9,
            trunk: "0",
            groups: &[4, 3, 3],
        },
        regions: &[
            Region {
                name: "New South Wales",
                abbrev: "NSW",
                cities: &[city!("Sydney", Australia::Sydney, [], "2000")],
            },
            Region {
                name: "Victoria",
                abbrev: "VIC",
                cities: &[city!("Melbourne", Australia::Melbourne, [], "3000")],
            },
            Region {
                name: "Queensland",
                abbrev: "QLD",
                cities: &[city!("Brisbane", Australia::Brisbane, [], "4000")],
            },
            Region {
                name: "South Australia",
                abbrev: "SA",
                cities: &[city!("Adelaide", Australia::Adelaide, [], "5000")],
            },
            Region {
                name: "Western Australia",
                abbrev: "WA",
                cities: &[city!("Perth", Australia::Perth, [], "6000")],
            },
        ],
    },
    Country {
        code: "NG",
        weight: 1.5,
        address: AddressStyle::NumberFirst,
        streets: &[
            "Adeola Odeku Street",
            "Awolowo Road",
            "Allen Avenue",
            "Herbert Macaulay Way",
        ],
        numbering: Numbering {
            calling_code: "234",
            mobile_prefixes: &["803", "806", "813", "816", "703", "706", "903", "906"],
            nsn_len: 10,
            trunk: "0",
            groups: &[4, 3, 4],
        },
        regions: &[Region {
            name: "Lagos",
            abbrev: "LA",
            cities: &[city!("Lagos", Africa::Lagos, [], "101241")],
        }],
    },
];

/// Foreign mobile numbering used for numbers that do not belong to any claimed country above.
pub(crate) static FOREIGN_MOBILES: &[Numbering] = &[
    Numbering {
        calling_code: "86",
        mobile_prefixes: &["138", "139", "186"],
        nsn_len: 11,
        trunk: "",
        groups: &[3, 4, 4],
    },
    Numbering {
        calling_code: "7",
        mobile_prefixes: &["916", "926", "903"],
        nsn_len: 10,
        trunk: "",
        groups: &[3, 3, 4],
    },
    Numbering {
        calling_code: "84",
        mobile_prefixes: &["91", "98", "90"],
        nsn_len: 9,
        trunk: "",
        groups: &[2, 3, 4],
    },
    Numbering {
        calling_code: "380",
        mobile_prefixes: &["50", "67", "93"],
        nsn_len: 9,
        trunk: "",
        groups: &[2, 3, 4],
    },
];

/// Zones that remote operators of fraud schemes work from. Their browsers and own machines leak
/// these offsets; their working hours fall at night in the Americas.
pub(crate) static OPERATOR_ZONES: &[(Tz, f64)] = &[
    (Asia::Pyongyang, 0.35),
    (Asia::Shanghai, 0.25),
    (Asia::Vladivostok, 0.1),
    (Europe::Moscow, 0.15),
    (Asia::Dubai, 0.05),
    (Asia::Ho_Chi_Minh, 0.1),
];

/// Zones legitimate travellers are found in while applying.
pub(crate) static TRAVEL_ZONES: &[(&str, Tz)] = &[
    ("GB", Europe::London),
    ("ES", Europe::Madrid),
    ("MX", America::Cancun),
    ("JP", Asia::Tokyo),
    ("TH", Asia::Bangkok),
    ("PT", Europe::Lisbon),
    ("US", America::New_York),
    ("US", Pacific::Honolulu),
    ("AU", Australia::Sydney),
];

/// Index of the US in [`COUNTRIES`].
pub(crate) const US: usize = 0;

/// Position of the country with ISO code `code` in [`COUNTRIES`].
pub(crate) fn country_index(code: &str) -> Option<usize> {
    COUNTRIES.iter().position(|c| c.code == code)
}
