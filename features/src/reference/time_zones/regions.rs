//! Region → IANA zones for the countries whose zones differ by region: US (50 states, DC, the
//! inhabited territories and the Navajo Nation), CA, AU, BR, MX and ES. Hand-written from the
//! comments of the tz database (`zone.tab` and the `northamerica`, `southamerica`,
//! `australasia` and `europe` source files, tzdata 2025b): a region lists every zone that
//! covers part of it, officially, so a region's offsets are all the offsets someone living
//! there can have. Other countries fall back to all of their `zone.tab` zones.
//!
//! Each region is found by its official name, its official code (ISO 3166-2 without the
//! country prefix; for US states the USPS code), that code with the prefix ("US-NY") and the
//! aliases listed: English or local names, traditional abbreviations ("Calif.", "Qld."),
//! provinces or islands that belong to it. All of them go through the same normalisation as
//! the region typed by the applicant, so they are written here as people write them.

use chrono_tz::{Africa, America, Antarctica, Atlantic, Australia, Europe, Pacific, Tz};

/// One region of a country and the zones that cover it.
#[derive(Debug)]
pub(super) struct Region {
    /// Official name, as the country writes it.
    pub name: &'static str,
    /// Official code without the country prefix ("" when there is none).
    pub code: &'static str,
    /// Other spellings people type.
    pub aliases: &'static [&'static str],
    /// Every zone that covers part of the region.
    pub zones: &'static [Tz],
}

macro_rules! region {
    ($name:literal, $code:literal, [$($alias:literal),* $(,)?], [$($zone:expr),+ $(,)?]) => {
        Region { name: $name, code: $code, aliases: &[$($alias),*], zones: &[$($zone),+] }
    };
}

/// Country code → its regions.
pub(super) const REGION_TABLES: &[([u8; 2], &[Region])] = &[
    (*b"AU", AUSTRALIA),
    (*b"BR", BRAZIL),
    (*b"CA", CANADA),
    (*b"ES", SPAIN),
    (*b"MX", MEXICO),
    (*b"US", UNITED_STATES),
];

/// US territories that are also ISO 3166-1 countries of their own: their zones come from
/// their own `zone.tab` rows, not from those of `US`.
#[cfg(test)]
pub(super) const US_TERRITORIES: &[&str] = &["AS", "GU", "MP", "PR", "UM", "VI"];

/// Eastern: New York; Central: Chicago; Mountain: Denver (Boise in southern Idaho and eastern
/// Oregon); Pacific: Los Angeles. The `northamerica` file lists which counties each covers.
const UNITED_STATES: &[Region] = &[
    region!("Alabama", "AL", ["Ala."], [America::Chicago]),
    region!(
        "Alaska",
        "AK",
        ["Alas."],
        [
            America::Anchorage,
            America::Juneau,
            America::Sitka,
            America::Metlakatla,
            America::Yakutat,
            America::Nome,
            America::Adak,
        ]
    ),
    // Most of Arizona keeps MST all year; the Navajo Nation observes DST like Denver.
    region!(
        "Arizona",
        "AZ",
        ["Ariz."],
        [America::Phoenix, America::Denver]
    ),
    region!("Arkansas", "AR", ["Ark."], [America::Chicago]),
    region!(
        "California",
        "CA",
        ["Calif.", "Cal."],
        [America::Los_Angeles]
    ),
    region!("Colorado", "CO", ["Colo."], [America::Denver]),
    region!("Connecticut", "CT", ["Conn."], [America::New_York]),
    region!("Delaware", "DE", ["Del."], [America::New_York]),
    region!(
        "District of Columbia",
        "DC",
        [
            "Washington DC",
            "Washington D.C.",
            "Washington, District of Columbia"
        ],
        [America::New_York]
    ),
    // The panhandle west of the Apalachicola River is Central.
    region!(
        "Florida",
        "FL",
        ["Fla."],
        [America::New_York, America::Chicago]
    ),
    region!("Georgia", "GA", ["Ga."], [America::New_York]),
    region!("Hawaii", "HI", ["Hawaiʻi"], [Pacific::Honolulu]),
    // South: Mountain (Boise); the panhandle north of the Salmon River: Pacific.
    region!("Idaho", "ID", [], [America::Boise, America::Los_Angeles]),
    region!("Illinois", "IL", ["Ill."], [America::Chicago]),
    // Most counties are Eastern (Indianapolis and the county zones); the north-west and
    // south-west corners are Central (Chicago, Tell City, Knox); Dearborn and Ohio counties
    // follow New York, Clark, Floyd and Harrison counties Louisville.
    region!(
        "Indiana",
        "IN",
        ["Ind."],
        [
            America::Indiana::Indianapolis,
            America::Indiana::Vincennes,
            America::Indiana::Winamac,
            America::Indiana::Marengo,
            America::Indiana::Petersburg,
            America::Indiana::Vevay,
            America::Indiana::Tell_City,
            America::Indiana::Knox,
            America::Chicago,
            America::New_York,
            America::Kentucky::Louisville,
        ]
    ),
    region!("Iowa", "IA", [], [America::Chicago]),
    // Four western counties are Mountain.
    region!(
        "Kansas",
        "KS",
        ["Kan.", "Kans."],
        [America::Chicago, America::Denver]
    ),
    // East: Eastern (New York, Louisville, Monticello for Wayne County); west: Central.
    region!(
        "Kentucky",
        "KY",
        ["Ky."],
        [
            America::New_York,
            America::Kentucky::Louisville,
            America::Kentucky::Monticello,
            America::Chicago,
        ]
    ),
    region!("Louisiana", "LA", ["La."], [America::Chicago]),
    region!("Maine", "ME", [], [America::New_York]),
    region!("Maryland", "MD", ["Md."], [America::New_York]),
    region!("Massachusetts", "MA", ["Mass."], [America::New_York]),
    // Four Upper Peninsula counties on the Wisconsin border are Central (Menominee).
    region!(
        "Michigan",
        "MI",
        ["Mich."],
        [America::Detroit, America::Menominee]
    ),
    region!("Minnesota", "MN", ["Minn."], [America::Chicago]),
    region!("Mississippi", "MS", ["Miss."], [America::Chicago]),
    region!("Missouri", "MO", ["Mo."], [America::Chicago]),
    region!("Montana", "MT", ["Mont."], [America::Denver]),
    // The west (panhandle) is Mountain.
    region!(
        "Nebraska",
        "NE",
        ["Neb.", "Nebr."],
        [America::Chicago, America::Denver]
    ),
    // West Wendover and the Idaho border towns are Mountain.
    region!(
        "Nevada",
        "NV",
        ["Nev."],
        [America::Los_Angeles, America::Denver]
    ),
    region!("New Hampshire", "NH", ["N.H."], [America::New_York]),
    region!("New Jersey", "NJ", ["N.J."], [America::New_York]),
    region!("New Mexico", "NM", ["N.M.", "N. Mex."], [America::Denver]),
    region!(
        "New York",
        "NY",
        ["N.Y.", "New York State"],
        [America::New_York]
    ),
    region!("North Carolina", "NC", ["N.C."], [America::New_York]),
    // East: Central, including three counties with their own zones; south-west: Mountain.
    region!(
        "North Dakota",
        "ND",
        ["N.D.", "N. Dak."],
        [
            America::Chicago,
            America::North_Dakota::Center,
            America::North_Dakota::New_Salem,
            America::North_Dakota::Beulah,
            America::Denver,
        ]
    ),
    region!("Ohio", "OH", [], [America::New_York]),
    region!("Oklahoma", "OK", ["Okla."], [America::Chicago]),
    // Most of Malheur County is Mountain (Boise).
    region!(
        "Oregon",
        "OR",
        ["Ore.", "Oreg."],
        [America::Los_Angeles, America::Boise]
    ),
    region!(
        "Pennsylvania",
        "PA",
        ["Pa.", "Penn.", "Penna."],
        [America::New_York]
    ),
    region!("Rhode Island", "RI", ["R.I."], [America::New_York]),
    region!("South Carolina", "SC", ["S.C."], [America::New_York]),
    // The west is Mountain.
    region!(
        "South Dakota",
        "SD",
        ["S.D.", "S. Dak."],
        [America::Chicago, America::Denver]
    ),
    // East Tennessee is Eastern, the rest Central.
    region!(
        "Tennessee",
        "TN",
        ["Tenn."],
        [America::Chicago, America::New_York]
    ),
    // El Paso and Hudspeth counties (and a corner of Culberson) are Mountain.
    region!("Texas", "TX", ["Tex."], [America::Chicago, America::Denver]),
    region!("Utah", "UT", [], [America::Denver]),
    region!("Vermont", "VT", ["Vt."], [America::New_York]),
    region!("Virginia", "VA", ["Va."], [America::New_York]),
    region!(
        "Washington",
        "WA",
        ["Wash.", "Washington State"],
        [America::Los_Angeles]
    ),
    region!(
        "West Virginia",
        "WV",
        ["W.Va.", "W. Va."],
        [America::New_York]
    ),
    region!("Wisconsin", "WI", ["Wis.", "Wisc."], [America::Chicago]),
    region!("Wyoming", "WY", ["Wyo."], [America::Denver]),
    // Territories (also ISO 3166-1 countries of their own).
    region!("American Samoa", "AS", [], [Pacific::Pago_Pago]),
    region!("Guam", "GU", [], [Pacific::Guam]),
    region!(
        "Northern Mariana Islands",
        "MP",
        ["CNMI"],
        [Pacific::Saipan]
    ),
    region!("Puerto Rico", "PR", ["P.R."], [America::Puerto_Rico]),
    region!(
        "United States Minor Outlying Islands",
        "UM",
        ["U.S. Minor Outlying Islands"],
        [Pacific::Midway, Pacific::Wake]
    ),
    region!(
        "United States Virgin Islands",
        "VI",
        [
            "U.S. Virgin Islands",
            "US Virgin Islands",
            "Virgin Islands",
            "USVI"
        ],
        [America::St_Thomas]
    ),
    // Spans Arizona, New Mexico and Utah; observes DST, unlike the rest of Arizona.
    region!(
        "Navajo Nation",
        "",
        ["Navajo", "Navajo Nation, Arizona", "Navajo Nation, AZ"],
        [America::Denver]
    ),
];

/// Zone comments of `zone.tab` and the `northamerica` file ("Atlantic - NS (most areas), PE",
/// "Mountain - AB, BC(E), NT(E), SK(W)", ...).
const CANADA: &[Region] = &[
    region!("Alberta", "AB", ["Alta.", "Alb."], [America::Edmonton]),
    // Most: Pacific; the East Kootenays: Mountain (Edmonton); the north-east and Creston: MST
    // all year.
    region!(
        "British Columbia",
        "BC",
        ["B.C.", "Colombie-Britannique"],
        [
            America::Vancouver,
            America::Edmonton,
            America::Dawson_Creek,
            America::Fort_Nelson,
            America::Creston,
        ]
    ),
    region!("Manitoba", "MB", ["Man."], [America::Winnipeg]),
    region!(
        "New Brunswick",
        "NB",
        ["N.B.", "Nouveau-Brunswick"],
        [America::Moncton]
    ),
    // Newfoundland and south-east Labrador: Newfoundland time; the rest of Labrador: Atlantic.
    region!(
        "Newfoundland and Labrador",
        "NL",
        [
            "Newfoundland & Labrador",
            "Newfoundland",
            "Labrador",
            "Nfld.",
            "NF",
            "Terre-Neuve-et-Labrador",
        ],
        [America::St_Johns, America::Goose_Bay]
    ),
    region!(
        "Nova Scotia",
        "NS",
        ["N.S.", "Nouvelle-Écosse"],
        [America::Halifax, America::Glace_Bay]
    ),
    region!(
        "Northwest Territories",
        "NT",
        ["N.W.T.", "Territoires du Nord-Ouest"],
        [America::Edmonton, America::Inuvik]
    ),
    // Eastern, Central and Mountain parts; Coral Harbour keeps EST all year (Atikokan).
    region!(
        "Nunavut",
        "NU",
        [],
        [
            America::Iqaluit,
            America::Rankin_Inlet,
            America::Resolute,
            America::Cambridge_Bay,
            America::Atikokan,
        ]
    ),
    // Most: Eastern; the north-west: Central (Winnipeg); Atikokan: EST all year.
    region!(
        "Ontario",
        "ON",
        ["Ont."],
        [America::Toronto, America::Winnipeg, America::Atikokan]
    ),
    region!(
        "Prince Edward Island",
        "PE",
        ["P.E.I.", "PEI", "Île-du-Prince-Édouard"],
        [America::Halifax]
    ),
    // Most: Eastern; the Lower North Shore: AST all year (Blanc-Sablon); the Magdalen Islands
    // and the Listuguj reserve: Atlantic (Halifax).
    region!(
        "Québec",
        "QC",
        ["Que.", "PQ", "P.Q."],
        [America::Toronto, America::BlancSablon, America::Halifax]
    ),
    // CST all year, except Lloydminster and the west (Mountain, Edmonton).
    region!(
        "Saskatchewan",
        "SK",
        ["Sask."],
        [America::Regina, America::Swift_Current, America::Edmonton]
    ),
    region!(
        "Yukon",
        "YT",
        ["Yukon Territory", "YK", "Yuk."],
        [America::Whitehorse, America::Dawson]
    ),
];

/// `zone.tab` comments and the `australasia` file.
const AUSTRALIA: &[Region] = &[
    // Broken Hill (Yancowinna County) follows South Australia; Lord Howe Island belongs to NSW.
    region!(
        "New South Wales",
        "NSW",
        ["N.S.W."],
        [
            Australia::Sydney,
            Australia::Broken_Hill,
            Australia::Lord_Howe,
        ]
    ),
    region!("Victoria", "VIC", ["Vic."], [Australia::Melbourne]),
    region!(
        "Queensland",
        "QLD",
        ["Qld."],
        [Australia::Brisbane, Australia::Lindeman]
    ),
    region!("South Australia", "SA", ["S.A."], [Australia::Adelaide]),
    // Eucla and its neighbours keep their own +08:45.
    region!(
        "Western Australia",
        "WA",
        ["W.A."],
        [Australia::Perth, Australia::Eucla]
    ),
    // Macquarie Island belongs to Tasmania.
    region!(
        "Tasmania",
        "TAS",
        ["Tas.", "Tassie"],
        [Australia::Hobart, Antarctica::Macquarie]
    ),
    region!("Northern Territory", "NT", ["N.T."], [Australia::Darwin]),
    region!(
        "Australian Capital Territory",
        "ACT",
        ["A.C.T.", "Canberra"],
        [Australia::Sydney]
    ),
    region!(
        "Jervis Bay Territory",
        "",
        ["Jervis Bay", "JBT"],
        [Australia::Sydney]
    ),
    region!(
        "Lord Howe Island",
        "",
        ["Lord Howe"],
        [Australia::Lord_Howe]
    ),
];

/// `zone.tab` comments ("Brazil (northeast: MA, PI, CE, RN, PB)", ...) and the
/// `southamerica` file.
const BRAZIL: &[Region] = &[
    region!("Acre", "AC", [], [America::Rio_Branco]),
    region!("Alagoas", "AL", [], [America::Maceio]),
    region!("Amapá", "AP", [], [America::Belem]),
    region!("Amazonas", "AM", [], [America::Manaus, America::Eirunepe]),
    region!("Bahia", "BA", [], [America::Bahia]),
    region!("Ceará", "CE", [], [America::Fortaleza]),
    region!(
        "Distrito Federal",
        "DF",
        ["Federal District", "Brasília"],
        [America::Sao_Paulo]
    ),
    region!("Espírito Santo", "ES", [], [America::Sao_Paulo]),
    region!("Goiás", "GO", [], [America::Sao_Paulo]),
    region!("Maranhão", "MA", [], [America::Fortaleza]),
    region!("Mato Grosso", "MT", [], [America::Cuiaba]),
    region!("Mato Grosso do Sul", "MS", [], [America::Campo_Grande]),
    region!("Minas Gerais", "MG", [], [America::Sao_Paulo]),
    region!("Pará", "PA", [], [America::Belem, America::Santarem]),
    region!("Paraíba", "PB", [], [America::Fortaleza]),
    region!("Paraná", "PR", [], [America::Sao_Paulo]),
    // Fernando de Noronha belongs to Pernambuco.
    region!("Pernambuco", "PE", [], [America::Recife, America::Noronha]),
    region!("Piauí", "PI", [], [America::Fortaleza]),
    region!("Rio de Janeiro", "RJ", [], [America::Sao_Paulo]),
    region!("Rio Grande do Norte", "RN", [], [America::Fortaleza]),
    region!("Rio Grande do Sul", "RS", [], [America::Sao_Paulo]),
    region!("Rondônia", "RO", [], [America::Porto_Velho]),
    region!("Roraima", "RR", [], [America::Boa_Vista]),
    region!("Santa Catarina", "SC", [], [America::Sao_Paulo]),
    region!("São Paulo", "SP", [], [America::Sao_Paulo]),
    region!("Sergipe", "SE", [], [America::Maceio]),
    region!("Tocantins", "TO", [], [America::Araguaina]),
    region!("Fernando de Noronha", "", ["Noronha"], [America::Noronha]),
];

/// `zone.tab` comments ("Durango; Coahuila, Nuevo Leon, Tamaulipas (most areas)", ...) and the
/// `northamerica` file. Codes are ISO 3166-2; the usual abbreviations are aliases.
const MEXICO: &[Region] = &[
    region!("Aguascalientes", "AGU", ["Ags."], [America::Mexico_City]),
    region!(
        "Baja California",
        "BCN",
        ["B.C.", "Baja California Norte"],
        [America::Tijuana]
    ),
    region!(
        "Baja California Sur",
        "BCS",
        ["B.C.S."],
        [America::Mazatlan]
    ),
    region!("Campeche", "CAM", ["Camp."], [America::Merida]),
    region!("Chiapas", "CHP", ["Chis."], [America::Mexico_City]),
    // Most: CST all year; the western border: US Mountain rules; the eastern border (Ojinaga):
    // US Central rules.
    region!(
        "Chihuahua",
        "CHH",
        ["Chih."],
        [America::Chihuahua, America::Ciudad_Juarez, America::Ojinaga,]
    ),
    region!(
        "Ciudad de México",
        "CMX",
        ["Mexico City", "CDMX", "Distrito Federal", "D.F."],
        [America::Mexico_City]
    ),
    // The US border strip follows US Central rules (Matamoros).
    region!(
        "Coahuila",
        "COA",
        ["Coahuila de Zaragoza", "Coah."],
        [America::Monterrey, America::Matamoros]
    ),
    region!("Colima", "COL", ["Col."], [America::Mexico_City]),
    region!("Durango", "DUR", ["Dgo."], [America::Monterrey]),
    region!("Guanajuato", "GUA", ["Gto."], [America::Mexico_City]),
    region!("Guerrero", "GRO", ["Gro."], [America::Mexico_City]),
    region!("Hidalgo", "HID", ["Hgo."], [America::Mexico_City]),
    region!("Jalisco", "JAL", ["Jal."], [America::Mexico_City]),
    region!(
        "México",
        "MEX",
        ["Estado de México", "State of Mexico", "Edomex", "Edo. Méx."],
        [America::Mexico_City]
    ),
    region!(
        "Michoacán",
        "MIC",
        ["Michoacán de Ocampo", "Mich."],
        [America::Mexico_City]
    ),
    region!("Morelos", "MOR", ["Mor."], [America::Mexico_City]),
    // Bahía de Banderas is Central; the rest of Nayarit is Mountain (Mazatlán).
    region!(
        "Nayarit",
        "NAY",
        ["Nay."],
        [America::Mazatlan, America::Bahia_Banderas]
    ),
    region!(
        "Nuevo León",
        "NLE",
        ["N.L."],
        [America::Monterrey, America::Matamoros]
    ),
    region!("Oaxaca", "OAX", ["Oax."], [America::Mexico_City]),
    region!("Puebla", "PUE", ["Pue."], [America::Mexico_City]),
    region!(
        "Querétaro",
        "QUE",
        ["Querétaro de Arteaga", "Qro."],
        [America::Mexico_City]
    ),
    region!("Quintana Roo", "ROO", ["Q. Roo", "Q.R."], [America::Cancun]),
    region!("San Luis Potosí", "SLP", ["S.L.P."], [America::Mexico_City]),
    region!("Sinaloa", "SIN", ["Sin."], [America::Mazatlan]),
    region!("Sonora", "SON", ["Son."], [America::Hermosillo]),
    region!("Tabasco", "TAB", ["Tab."], [America::Mexico_City]),
    region!(
        "Tamaulipas",
        "TAM",
        ["Tamps."],
        [America::Monterrey, America::Matamoros]
    ),
    region!("Tlaxcala", "TLA", ["Tlax."], [America::Mexico_City]),
    region!(
        "Veracruz",
        "VER",
        ["Veracruz de Ignacio de la Llave", "Ver."],
        [America::Mexico_City]
    ),
    region!("Yucatán", "YUC", ["Yuc."], [America::Merida]),
    region!("Zacatecas", "ZAC", ["Zac."], [America::Mexico_City]),
];

/// Autonomous communities and cities (ISO 3166-2 codes), with their provinces as aliases:
/// the Canary Islands keep WET/WEST, Ceuta and Melilla and the mainland CET/CEST (`zone.tab`:
/// "Spain (mainland)", "Ceuta, Melilla", "Canary Islands").
const SPAIN: &[Region] = &[
    region!(
        "Andalucía",
        "AN",
        [
            "Andalusia",
            "Almería",
            "Cádiz",
            "Córdoba",
            "Granada",
            "Huelva",
            "Jaén",
            "Málaga",
            "Sevilla",
            "Seville",
        ],
        [Europe::Madrid]
    ),
    region!(
        "Aragón",
        "AR",
        ["Huesca", "Teruel", "Zaragoza"],
        [Europe::Madrid]
    ),
    region!(
        "Principado de Asturias",
        "AS",
        ["Asturias", "Principality of Asturias"],
        [Europe::Madrid]
    ),
    region!(
        "Illes Balears",
        "IB",
        ["Islas Baleares", "Balearic Islands", "Baleares", "Balears"],
        [Europe::Madrid]
    ),
    region!(
        "País Vasco",
        "PV",
        [
            "Euskadi",
            "Basque Country",
            "Álava",
            "Araba",
            "Gipuzkoa",
            "Guipúzcoa",
            "Bizkaia",
            "Vizcaya",
        ],
        [Europe::Madrid]
    ),
    region!(
        "Canarias",
        "CN",
        [
            "Canary Islands",
            "Islas Canarias",
            "Las Palmas",
            "GC",
            "Santa Cruz de Tenerife",
            "TF",
            "Tenerife",
            "Gran Canaria",
            "Lanzarote",
            "Fuerteventura",
            "La Palma",
            "La Gomera",
            "El Hierro",
        ],
        [Atlantic::Canary]
    ),
    region!("Cantabria", "CB", [], [Europe::Madrid]),
    region!(
        "Castilla y León",
        "CL",
        [
            "Castile and León",
            "Ávila",
            "Burgos",
            "León",
            "Palencia",
            "Salamanca",
            "Segovia",
            "Soria",
            "Valladolid",
            "Zamora",
        ],
        [Europe::Madrid]
    ),
    region!(
        "Castilla-La Mancha",
        "CM",
        [
            "Castile-La Mancha",
            "Albacete",
            "Ciudad Real",
            "Cuenca",
            "Guadalajara",
            "Toledo",
        ],
        [Europe::Madrid]
    ),
    region!(
        "Cataluña",
        "CT",
        [
            "Catalunya",
            "Catalonia",
            "Barcelona",
            "Girona",
            "Gerona",
            "Lleida",
            "Lérida",
            "Tarragona",
        ],
        [Europe::Madrid]
    ),
    region!(
        "Extremadura",
        "EX",
        ["Badajoz", "Cáceres"],
        [Europe::Madrid]
    ),
    region!(
        "Galicia",
        "GA",
        [
            "A Coruña",
            "La Coruña",
            "Lugo",
            "Ourense",
            "Orense",
            "Pontevedra",
        ],
        [Europe::Madrid]
    ),
    region!("La Rioja", "RI", ["Rioja"], [Europe::Madrid]),
    region!(
        "Comunidad de Madrid",
        "MD",
        ["Madrid", "Community of Madrid"],
        [Europe::Madrid]
    ),
    region!("Región de Murcia", "MC", ["Murcia"], [Europe::Madrid]),
    region!(
        "Comunidad Foral de Navarra",
        "NC",
        ["Navarra", "Navarre", "Nafarroa"],
        [Europe::Madrid]
    ),
    region!(
        "Comunitat Valenciana",
        "VC",
        [
            "Comunidad Valenciana",
            "Valencian Community",
            "Valencia",
            "València",
            "Alicante",
            "Alacant",
            "Castellón",
            "Castelló",
        ],
        [Europe::Madrid]
    ),
    region!("Ceuta", "CE", [], [Africa::Ceuta]),
    region!("Melilla", "ML", [], [Africa::Ceuta]),
];
