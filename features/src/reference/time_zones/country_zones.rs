//! ISO 3166-1 alpha-2 country → IANA zones. **Generated** by `tools/gen_country_zones.py`
//! from the tz database's `zone.tab`, tzdata 2025b; do not edit by hand, rerun the script.
//!
//! Each country lists the zones of `zone.tab` rows with its code: the zones where clocks have
//! agreed since 1970 within that country, in `zone.tab` order (geographical, the most
//! populous first where that fits). Codes of `iso3166.tab` without any zone (uninhabited):
//! BV (Bouvet Island), HM (Heard Island & McDonald Islands).

use chrono_tz::Tz;

/// The tzdata release (`zone.tab`) the country → zones table was generated from.
pub const TZDATA_VERSION: &str = "2025b";

/// The largest number of zones of one country.
pub(super) const MAX_COUNTRY_ZONES: usize = 29;

/// Country code (upper-case ASCII) → its zones, sorted by code.
pub(super) const COUNTRY_ZONES: &[([u8; 2], &[Tz])] = &[
    // Andorra
    (*b"AD", &[Tz::Europe__Andorra]),
    // United Arab Emirates
    (*b"AE", &[Tz::Asia__Dubai]),
    // Afghanistan
    (*b"AF", &[Tz::Asia__Kabul]),
    // Antigua & Barbuda
    (*b"AG", &[Tz::America__Antigua]),
    // Anguilla
    (*b"AI", &[Tz::America__Anguilla]),
    // Albania
    (*b"AL", &[Tz::Europe__Tirane]),
    // Armenia
    (*b"AM", &[Tz::Asia__Yerevan]),
    // Angola
    (*b"AO", &[Tz::Africa__Luanda]),
    // Antarctica
    (
        *b"AQ",
        &[
            Tz::Antarctica__McMurdo,
            Tz::Antarctica__Casey,
            Tz::Antarctica__Davis,
            Tz::Antarctica__DumontDUrville,
            Tz::Antarctica__Mawson,
            Tz::Antarctica__Palmer,
            Tz::Antarctica__Rothera,
            Tz::Antarctica__Syowa,
            Tz::Antarctica__Troll,
            Tz::Antarctica__Vostok,
        ],
    ),
    // Argentina
    (
        *b"AR",
        &[
            Tz::America__Argentina__Buenos_Aires,
            Tz::America__Argentina__Cordoba,
            Tz::America__Argentina__Salta,
            Tz::America__Argentina__Jujuy,
            Tz::America__Argentina__Tucuman,
            Tz::America__Argentina__Catamarca,
            Tz::America__Argentina__La_Rioja,
            Tz::America__Argentina__San_Juan,
            Tz::America__Argentina__Mendoza,
            Tz::America__Argentina__San_Luis,
            Tz::America__Argentina__Rio_Gallegos,
            Tz::America__Argentina__Ushuaia,
        ],
    ),
    // Samoa (American)
    (*b"AS", &[Tz::Pacific__Pago_Pago]),
    // Austria
    (*b"AT", &[Tz::Europe__Vienna]),
    // Australia
    (
        *b"AU",
        &[
            Tz::Australia__Lord_Howe,
            Tz::Antarctica__Macquarie,
            Tz::Australia__Hobart,
            Tz::Australia__Melbourne,
            Tz::Australia__Sydney,
            Tz::Australia__Broken_Hill,
            Tz::Australia__Brisbane,
            Tz::Australia__Lindeman,
            Tz::Australia__Adelaide,
            Tz::Australia__Darwin,
            Tz::Australia__Perth,
            Tz::Australia__Eucla,
        ],
    ),
    // Aruba
    (*b"AW", &[Tz::America__Aruba]),
    // Åland Islands
    (*b"AX", &[Tz::Europe__Mariehamn]),
    // Azerbaijan
    (*b"AZ", &[Tz::Asia__Baku]),
    // Bosnia & Herzegovina
    (*b"BA", &[Tz::Europe__Sarajevo]),
    // Barbados
    (*b"BB", &[Tz::America__Barbados]),
    // Bangladesh
    (*b"BD", &[Tz::Asia__Dhaka]),
    // Belgium
    (*b"BE", &[Tz::Europe__Brussels]),
    // Burkina Faso
    (*b"BF", &[Tz::Africa__Ouagadougou]),
    // Bulgaria
    (*b"BG", &[Tz::Europe__Sofia]),
    // Bahrain
    (*b"BH", &[Tz::Asia__Bahrain]),
    // Burundi
    (*b"BI", &[Tz::Africa__Bujumbura]),
    // Benin
    (*b"BJ", &[Tz::Africa__PortoNovo]),
    // St Barthelemy
    (*b"BL", &[Tz::America__St_Barthelemy]),
    // Bermuda
    (*b"BM", &[Tz::Atlantic__Bermuda]),
    // Brunei
    (*b"BN", &[Tz::Asia__Brunei]),
    // Bolivia
    (*b"BO", &[Tz::America__La_Paz]),
    // Caribbean NL
    (*b"BQ", &[Tz::America__Kralendijk]),
    // Brazil
    (
        *b"BR",
        &[
            Tz::America__Noronha,
            Tz::America__Belem,
            Tz::America__Fortaleza,
            Tz::America__Recife,
            Tz::America__Araguaina,
            Tz::America__Maceio,
            Tz::America__Bahia,
            Tz::America__Sao_Paulo,
            Tz::America__Campo_Grande,
            Tz::America__Cuiaba,
            Tz::America__Santarem,
            Tz::America__Porto_Velho,
            Tz::America__Boa_Vista,
            Tz::America__Manaus,
            Tz::America__Eirunepe,
            Tz::America__Rio_Branco,
        ],
    ),
    // Bahamas
    (*b"BS", &[Tz::America__Nassau]),
    // Bhutan
    (*b"BT", &[Tz::Asia__Thimphu]),
    // Botswana
    (*b"BW", &[Tz::Africa__Gaborone]),
    // Belarus
    (*b"BY", &[Tz::Europe__Minsk]),
    // Belize
    (*b"BZ", &[Tz::America__Belize]),
    // Canada
    (
        *b"CA",
        &[
            Tz::America__St_Johns,
            Tz::America__Halifax,
            Tz::America__Glace_Bay,
            Tz::America__Moncton,
            Tz::America__Goose_Bay,
            Tz::America__BlancSablon,
            Tz::America__Toronto,
            Tz::America__Iqaluit,
            Tz::America__Atikokan,
            Tz::America__Winnipeg,
            Tz::America__Resolute,
            Tz::America__Rankin_Inlet,
            Tz::America__Regina,
            Tz::America__Swift_Current,
            Tz::America__Edmonton,
            Tz::America__Cambridge_Bay,
            Tz::America__Inuvik,
            Tz::America__Creston,
            Tz::America__Dawson_Creek,
            Tz::America__Fort_Nelson,
            Tz::America__Whitehorse,
            Tz::America__Dawson,
            Tz::America__Vancouver,
        ],
    ),
    // Cocos (Keeling) Islands
    (*b"CC", &[Tz::Indian__Cocos]),
    // Congo (Dem. Rep.)
    (*b"CD", &[Tz::Africa__Kinshasa, Tz::Africa__Lubumbashi]),
    // Central African Rep.
    (*b"CF", &[Tz::Africa__Bangui]),
    // Congo (Rep.)
    (*b"CG", &[Tz::Africa__Brazzaville]),
    // Switzerland
    (*b"CH", &[Tz::Europe__Zurich]),
    // Côte d'Ivoire
    (*b"CI", &[Tz::Africa__Abidjan]),
    // Cook Islands
    (*b"CK", &[Tz::Pacific__Rarotonga]),
    // Chile
    (
        *b"CL",
        &[
            Tz::America__Santiago,
            Tz::America__Coyhaique,
            Tz::America__Punta_Arenas,
            Tz::Pacific__Easter,
        ],
    ),
    // Cameroon
    (*b"CM", &[Tz::Africa__Douala]),
    // China
    (*b"CN", &[Tz::Asia__Shanghai, Tz::Asia__Urumqi]),
    // Colombia
    (*b"CO", &[Tz::America__Bogota]),
    // Costa Rica
    (*b"CR", &[Tz::America__Costa_Rica]),
    // Cuba
    (*b"CU", &[Tz::America__Havana]),
    // Cape Verde
    (*b"CV", &[Tz::Atlantic__Cape_Verde]),
    // Curaçao
    (*b"CW", &[Tz::America__Curacao]),
    // Christmas Island
    (*b"CX", &[Tz::Indian__Christmas]),
    // Cyprus
    (*b"CY", &[Tz::Asia__Nicosia, Tz::Asia__Famagusta]),
    // Czech Republic
    (*b"CZ", &[Tz::Europe__Prague]),
    // Germany
    (*b"DE", &[Tz::Europe__Berlin, Tz::Europe__Busingen]),
    // Djibouti
    (*b"DJ", &[Tz::Africa__Djibouti]),
    // Denmark
    (*b"DK", &[Tz::Europe__Copenhagen]),
    // Dominica
    (*b"DM", &[Tz::America__Dominica]),
    // Dominican Republic
    (*b"DO", &[Tz::America__Santo_Domingo]),
    // Algeria
    (*b"DZ", &[Tz::Africa__Algiers]),
    // Ecuador
    (*b"EC", &[Tz::America__Guayaquil, Tz::Pacific__Galapagos]),
    // Estonia
    (*b"EE", &[Tz::Europe__Tallinn]),
    // Egypt
    (*b"EG", &[Tz::Africa__Cairo]),
    // Western Sahara
    (*b"EH", &[Tz::Africa__El_Aaiun]),
    // Eritrea
    (*b"ER", &[Tz::Africa__Asmara]),
    // Spain
    (
        *b"ES",
        &[Tz::Europe__Madrid, Tz::Africa__Ceuta, Tz::Atlantic__Canary],
    ),
    // Ethiopia
    (*b"ET", &[Tz::Africa__Addis_Ababa]),
    // Finland
    (*b"FI", &[Tz::Europe__Helsinki]),
    // Fiji
    (*b"FJ", &[Tz::Pacific__Fiji]),
    // Falkland Islands
    (*b"FK", &[Tz::Atlantic__Stanley]),
    // Micronesia
    (
        *b"FM",
        &[
            Tz::Pacific__Chuuk,
            Tz::Pacific__Pohnpei,
            Tz::Pacific__Kosrae,
        ],
    ),
    // Faroe Islands
    (*b"FO", &[Tz::Atlantic__Faroe]),
    // France
    (*b"FR", &[Tz::Europe__Paris]),
    // Gabon
    (*b"GA", &[Tz::Africa__Libreville]),
    // Britain (UK)
    (*b"GB", &[Tz::Europe__London]),
    // Grenada
    (*b"GD", &[Tz::America__Grenada]),
    // Georgia
    (*b"GE", &[Tz::Asia__Tbilisi]),
    // French Guiana
    (*b"GF", &[Tz::America__Cayenne]),
    // Guernsey
    (*b"GG", &[Tz::Europe__Guernsey]),
    // Ghana
    (*b"GH", &[Tz::Africa__Accra]),
    // Gibraltar
    (*b"GI", &[Tz::Europe__Gibraltar]),
    // Greenland
    (
        *b"GL",
        &[
            Tz::America__Nuuk,
            Tz::America__Danmarkshavn,
            Tz::America__Scoresbysund,
            Tz::America__Thule,
        ],
    ),
    // Gambia
    (*b"GM", &[Tz::Africa__Banjul]),
    // Guinea
    (*b"GN", &[Tz::Africa__Conakry]),
    // Guadeloupe
    (*b"GP", &[Tz::America__Guadeloupe]),
    // Equatorial Guinea
    (*b"GQ", &[Tz::Africa__Malabo]),
    // Greece
    (*b"GR", &[Tz::Europe__Athens]),
    // South Georgia & the South Sandwich Islands
    (*b"GS", &[Tz::Atlantic__South_Georgia]),
    // Guatemala
    (*b"GT", &[Tz::America__Guatemala]),
    // Guam
    (*b"GU", &[Tz::Pacific__Guam]),
    // Guinea-Bissau
    (*b"GW", &[Tz::Africa__Bissau]),
    // Guyana
    (*b"GY", &[Tz::America__Guyana]),
    // Hong Kong
    (*b"HK", &[Tz::Asia__Hong_Kong]),
    // Honduras
    (*b"HN", &[Tz::America__Tegucigalpa]),
    // Croatia
    (*b"HR", &[Tz::Europe__Zagreb]),
    // Haiti
    (*b"HT", &[Tz::America__PortauPrince]),
    // Hungary
    (*b"HU", &[Tz::Europe__Budapest]),
    // Indonesia
    (
        *b"ID",
        &[
            Tz::Asia__Jakarta,
            Tz::Asia__Pontianak,
            Tz::Asia__Makassar,
            Tz::Asia__Jayapura,
        ],
    ),
    // Ireland
    (*b"IE", &[Tz::Europe__Dublin]),
    // Israel
    (*b"IL", &[Tz::Asia__Jerusalem]),
    // Isle of Man
    (*b"IM", &[Tz::Europe__Isle_of_Man]),
    // India
    (*b"IN", &[Tz::Asia__Kolkata]),
    // British Indian Ocean Territory
    (*b"IO", &[Tz::Indian__Chagos]),
    // Iraq
    (*b"IQ", &[Tz::Asia__Baghdad]),
    // Iran
    (*b"IR", &[Tz::Asia__Tehran]),
    // Iceland
    (*b"IS", &[Tz::Atlantic__Reykjavik]),
    // Italy
    (*b"IT", &[Tz::Europe__Rome]),
    // Jersey
    (*b"JE", &[Tz::Europe__Jersey]),
    // Jamaica
    (*b"JM", &[Tz::America__Jamaica]),
    // Jordan
    (*b"JO", &[Tz::Asia__Amman]),
    // Japan
    (*b"JP", &[Tz::Asia__Tokyo]),
    // Kenya
    (*b"KE", &[Tz::Africa__Nairobi]),
    // Kyrgyzstan
    (*b"KG", &[Tz::Asia__Bishkek]),
    // Cambodia
    (*b"KH", &[Tz::Asia__Phnom_Penh]),
    // Kiribati
    (
        *b"KI",
        &[
            Tz::Pacific__Tarawa,
            Tz::Pacific__Kanton,
            Tz::Pacific__Kiritimati,
        ],
    ),
    // Comoros
    (*b"KM", &[Tz::Indian__Comoro]),
    // St Kitts & Nevis
    (*b"KN", &[Tz::America__St_Kitts]),
    // Korea (North)
    (*b"KP", &[Tz::Asia__Pyongyang]),
    // Korea (South)
    (*b"KR", &[Tz::Asia__Seoul]),
    // Kuwait
    (*b"KW", &[Tz::Asia__Kuwait]),
    // Cayman Islands
    (*b"KY", &[Tz::America__Cayman]),
    // Kazakhstan
    (
        *b"KZ",
        &[
            Tz::Asia__Almaty,
            Tz::Asia__Qyzylorda,
            Tz::Asia__Qostanay,
            Tz::Asia__Aqtobe,
            Tz::Asia__Aqtau,
            Tz::Asia__Atyrau,
            Tz::Asia__Oral,
        ],
    ),
    // Laos
    (*b"LA", &[Tz::Asia__Vientiane]),
    // Lebanon
    (*b"LB", &[Tz::Asia__Beirut]),
    // St Lucia
    (*b"LC", &[Tz::America__St_Lucia]),
    // Liechtenstein
    (*b"LI", &[Tz::Europe__Vaduz]),
    // Sri Lanka
    (*b"LK", &[Tz::Asia__Colombo]),
    // Liberia
    (*b"LR", &[Tz::Africa__Monrovia]),
    // Lesotho
    (*b"LS", &[Tz::Africa__Maseru]),
    // Lithuania
    (*b"LT", &[Tz::Europe__Vilnius]),
    // Luxembourg
    (*b"LU", &[Tz::Europe__Luxembourg]),
    // Latvia
    (*b"LV", &[Tz::Europe__Riga]),
    // Libya
    (*b"LY", &[Tz::Africa__Tripoli]),
    // Morocco
    (*b"MA", &[Tz::Africa__Casablanca]),
    // Monaco
    (*b"MC", &[Tz::Europe__Monaco]),
    // Moldova
    (*b"MD", &[Tz::Europe__Chisinau]),
    // Montenegro
    (*b"ME", &[Tz::Europe__Podgorica]),
    // St Martin (French)
    (*b"MF", &[Tz::America__Marigot]),
    // Madagascar
    (*b"MG", &[Tz::Indian__Antananarivo]),
    // Marshall Islands
    (*b"MH", &[Tz::Pacific__Majuro, Tz::Pacific__Kwajalein]),
    // North Macedonia
    (*b"MK", &[Tz::Europe__Skopje]),
    // Mali
    (*b"ML", &[Tz::Africa__Bamako]),
    // Myanmar (Burma)
    (*b"MM", &[Tz::Asia__Yangon]),
    // Mongolia
    (*b"MN", &[Tz::Asia__Ulaanbaatar, Tz::Asia__Hovd]),
    // Macau
    (*b"MO", &[Tz::Asia__Macau]),
    // Northern Mariana Islands
    (*b"MP", &[Tz::Pacific__Saipan]),
    // Martinique
    (*b"MQ", &[Tz::America__Martinique]),
    // Mauritania
    (*b"MR", &[Tz::Africa__Nouakchott]),
    // Montserrat
    (*b"MS", &[Tz::America__Montserrat]),
    // Malta
    (*b"MT", &[Tz::Europe__Malta]),
    // Mauritius
    (*b"MU", &[Tz::Indian__Mauritius]),
    // Maldives
    (*b"MV", &[Tz::Indian__Maldives]),
    // Malawi
    (*b"MW", &[Tz::Africa__Blantyre]),
    // Mexico
    (
        *b"MX",
        &[
            Tz::America__Mexico_City,
            Tz::America__Cancun,
            Tz::America__Merida,
            Tz::America__Monterrey,
            Tz::America__Matamoros,
            Tz::America__Chihuahua,
            Tz::America__Ciudad_Juarez,
            Tz::America__Ojinaga,
            Tz::America__Mazatlan,
            Tz::America__Bahia_Banderas,
            Tz::America__Hermosillo,
            Tz::America__Tijuana,
        ],
    ),
    // Malaysia
    (*b"MY", &[Tz::Asia__Kuala_Lumpur, Tz::Asia__Kuching]),
    // Mozambique
    (*b"MZ", &[Tz::Africa__Maputo]),
    // Namibia
    (*b"NA", &[Tz::Africa__Windhoek]),
    // New Caledonia
    (*b"NC", &[Tz::Pacific__Noumea]),
    // Niger
    (*b"NE", &[Tz::Africa__Niamey]),
    // Norfolk Island
    (*b"NF", &[Tz::Pacific__Norfolk]),
    // Nigeria
    (*b"NG", &[Tz::Africa__Lagos]),
    // Nicaragua
    (*b"NI", &[Tz::America__Managua]),
    // Netherlands
    (*b"NL", &[Tz::Europe__Amsterdam]),
    // Norway
    (*b"NO", &[Tz::Europe__Oslo]),
    // Nepal
    (*b"NP", &[Tz::Asia__Kathmandu]),
    // Nauru
    (*b"NR", &[Tz::Pacific__Nauru]),
    // Niue
    (*b"NU", &[Tz::Pacific__Niue]),
    // New Zealand
    (*b"NZ", &[Tz::Pacific__Auckland, Tz::Pacific__Chatham]),
    // Oman
    (*b"OM", &[Tz::Asia__Muscat]),
    // Panama
    (*b"PA", &[Tz::America__Panama]),
    // Peru
    (*b"PE", &[Tz::America__Lima]),
    // French Polynesia
    (
        *b"PF",
        &[
            Tz::Pacific__Tahiti,
            Tz::Pacific__Marquesas,
            Tz::Pacific__Gambier,
        ],
    ),
    // Papua New Guinea
    (
        *b"PG",
        &[Tz::Pacific__Port_Moresby, Tz::Pacific__Bougainville],
    ),
    // Philippines
    (*b"PH", &[Tz::Asia__Manila]),
    // Pakistan
    (*b"PK", &[Tz::Asia__Karachi]),
    // Poland
    (*b"PL", &[Tz::Europe__Warsaw]),
    // St Pierre & Miquelon
    (*b"PM", &[Tz::America__Miquelon]),
    // Pitcairn
    (*b"PN", &[Tz::Pacific__Pitcairn]),
    // Puerto Rico
    (*b"PR", &[Tz::America__Puerto_Rico]),
    // Palestine
    (*b"PS", &[Tz::Asia__Gaza, Tz::Asia__Hebron]),
    // Portugal
    (
        *b"PT",
        &[
            Tz::Europe__Lisbon,
            Tz::Atlantic__Madeira,
            Tz::Atlantic__Azores,
        ],
    ),
    // Palau
    (*b"PW", &[Tz::Pacific__Palau]),
    // Paraguay
    (*b"PY", &[Tz::America__Asuncion]),
    // Qatar
    (*b"QA", &[Tz::Asia__Qatar]),
    // Réunion
    (*b"RE", &[Tz::Indian__Reunion]),
    // Romania
    (*b"RO", &[Tz::Europe__Bucharest]),
    // Serbia
    (*b"RS", &[Tz::Europe__Belgrade]),
    // Russia
    (
        *b"RU",
        &[
            Tz::Europe__Kaliningrad,
            Tz::Europe__Moscow,
            Tz::Europe__Kirov,
            Tz::Europe__Volgograd,
            Tz::Europe__Astrakhan,
            Tz::Europe__Saratov,
            Tz::Europe__Ulyanovsk,
            Tz::Europe__Samara,
            Tz::Asia__Yekaterinburg,
            Tz::Asia__Omsk,
            Tz::Asia__Novosibirsk,
            Tz::Asia__Barnaul,
            Tz::Asia__Tomsk,
            Tz::Asia__Novokuznetsk,
            Tz::Asia__Krasnoyarsk,
            Tz::Asia__Irkutsk,
            Tz::Asia__Chita,
            Tz::Asia__Yakutsk,
            Tz::Asia__Khandyga,
            Tz::Asia__Vladivostok,
            Tz::Asia__UstNera,
            Tz::Asia__Magadan,
            Tz::Asia__Sakhalin,
            Tz::Asia__Srednekolymsk,
            Tz::Asia__Kamchatka,
            Tz::Asia__Anadyr,
        ],
    ),
    // Rwanda
    (*b"RW", &[Tz::Africa__Kigali]),
    // Saudi Arabia
    (*b"SA", &[Tz::Asia__Riyadh]),
    // Solomon Islands
    (*b"SB", &[Tz::Pacific__Guadalcanal]),
    // Seychelles
    (*b"SC", &[Tz::Indian__Mahe]),
    // Sudan
    (*b"SD", &[Tz::Africa__Khartoum]),
    // Sweden
    (*b"SE", &[Tz::Europe__Stockholm]),
    // Singapore
    (*b"SG", &[Tz::Asia__Singapore]),
    // St Helena
    (*b"SH", &[Tz::Atlantic__St_Helena]),
    // Slovenia
    (*b"SI", &[Tz::Europe__Ljubljana]),
    // Svalbard & Jan Mayen
    (*b"SJ", &[Tz::Arctic__Longyearbyen]),
    // Slovakia
    (*b"SK", &[Tz::Europe__Bratislava]),
    // Sierra Leone
    (*b"SL", &[Tz::Africa__Freetown]),
    // San Marino
    (*b"SM", &[Tz::Europe__San_Marino]),
    // Senegal
    (*b"SN", &[Tz::Africa__Dakar]),
    // Somalia
    (*b"SO", &[Tz::Africa__Mogadishu]),
    // Suriname
    (*b"SR", &[Tz::America__Paramaribo]),
    // South Sudan
    (*b"SS", &[Tz::Africa__Juba]),
    // Sao Tome & Principe
    (*b"ST", &[Tz::Africa__Sao_Tome]),
    // El Salvador
    (*b"SV", &[Tz::America__El_Salvador]),
    // St Maarten (Dutch)
    (*b"SX", &[Tz::America__Lower_Princes]),
    // Syria
    (*b"SY", &[Tz::Asia__Damascus]),
    // Eswatini (Swaziland)
    (*b"SZ", &[Tz::Africa__Mbabane]),
    // Turks & Caicos Is
    (*b"TC", &[Tz::America__Grand_Turk]),
    // Chad
    (*b"TD", &[Tz::Africa__Ndjamena]),
    // French S. Terr.
    (*b"TF", &[Tz::Indian__Kerguelen]),
    // Togo
    (*b"TG", &[Tz::Africa__Lome]),
    // Thailand
    (*b"TH", &[Tz::Asia__Bangkok]),
    // Tajikistan
    (*b"TJ", &[Tz::Asia__Dushanbe]),
    // Tokelau
    (*b"TK", &[Tz::Pacific__Fakaofo]),
    // East Timor
    (*b"TL", &[Tz::Asia__Dili]),
    // Turkmenistan
    (*b"TM", &[Tz::Asia__Ashgabat]),
    // Tunisia
    (*b"TN", &[Tz::Africa__Tunis]),
    // Tonga
    (*b"TO", &[Tz::Pacific__Tongatapu]),
    // Turkey
    (*b"TR", &[Tz::Europe__Istanbul]),
    // Trinidad & Tobago
    (*b"TT", &[Tz::America__Port_of_Spain]),
    // Tuvalu
    (*b"TV", &[Tz::Pacific__Funafuti]),
    // Taiwan
    (*b"TW", &[Tz::Asia__Taipei]),
    // Tanzania
    (*b"TZ", &[Tz::Africa__Dar_es_Salaam]),
    // Ukraine
    (*b"UA", &[Tz::Europe__Simferopol, Tz::Europe__Kyiv]),
    // Uganda
    (*b"UG", &[Tz::Africa__Kampala]),
    // US minor outlying islands
    (*b"UM", &[Tz::Pacific__Midway, Tz::Pacific__Wake]),
    // United States
    (
        *b"US",
        &[
            Tz::America__New_York,
            Tz::America__Detroit,
            Tz::America__Kentucky__Louisville,
            Tz::America__Kentucky__Monticello,
            Tz::America__Indiana__Indianapolis,
            Tz::America__Indiana__Vincennes,
            Tz::America__Indiana__Winamac,
            Tz::America__Indiana__Marengo,
            Tz::America__Indiana__Petersburg,
            Tz::America__Indiana__Vevay,
            Tz::America__Chicago,
            Tz::America__Indiana__Tell_City,
            Tz::America__Indiana__Knox,
            Tz::America__Menominee,
            Tz::America__North_Dakota__Center,
            Tz::America__North_Dakota__New_Salem,
            Tz::America__North_Dakota__Beulah,
            Tz::America__Denver,
            Tz::America__Boise,
            Tz::America__Phoenix,
            Tz::America__Los_Angeles,
            Tz::America__Anchorage,
            Tz::America__Juneau,
            Tz::America__Sitka,
            Tz::America__Metlakatla,
            Tz::America__Yakutat,
            Tz::America__Nome,
            Tz::America__Adak,
            Tz::Pacific__Honolulu,
        ],
    ),
    // Uruguay
    (*b"UY", &[Tz::America__Montevideo]),
    // Uzbekistan
    (*b"UZ", &[Tz::Asia__Samarkand, Tz::Asia__Tashkent]),
    // Vatican City
    (*b"VA", &[Tz::Europe__Vatican]),
    // St Vincent
    (*b"VC", &[Tz::America__St_Vincent]),
    // Venezuela
    (*b"VE", &[Tz::America__Caracas]),
    // Virgin Islands (UK)
    (*b"VG", &[Tz::America__Tortola]),
    // Virgin Islands (US)
    (*b"VI", &[Tz::America__St_Thomas]),
    // Vietnam
    (*b"VN", &[Tz::Asia__Ho_Chi_Minh]),
    // Vanuatu
    (*b"VU", &[Tz::Pacific__Efate]),
    // Wallis & Futuna
    (*b"WF", &[Tz::Pacific__Wallis]),
    // Samoa (western)
    (*b"WS", &[Tz::Pacific__Apia]),
    // Yemen
    (*b"YE", &[Tz::Asia__Aden]),
    // Mayotte
    (*b"YT", &[Tz::Indian__Mayotte]),
    // South Africa
    (*b"ZA", &[Tz::Africa__Johannesburg]),
    // Zambia
    (*b"ZM", &[Tz::Africa__Lusaka]),
    // Zimbabwe
    (*b"ZW", &[Tz::Africa__Harare]),
];
