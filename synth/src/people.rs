//! Names, e-mail addresses, profile links and phone numbers as people type them.
//!
//! Names are drawn from one pool for every population, legitimate or not: stolen identities are
//! real people's identities, so nothing about a name says anything about fraud. The signals live
//! in the *consistency* between a name and the e-mail or profile link that come with it.

use crate::geo::{Country, Numbering};
use crate::rng::Rng;

static FIRST_NAMES: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Christopher",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Steven",
    "Emily",
    "Andrew",
    "Michelle",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "Jose",
    "Maria",
    "Carlos",
    "Ana",
    "Luis",
    "Sofia",
    "Diego",
    "Camila",
    "Juan",
    "Valentina",
    "Wei",
    "Mei",
    "Jun",
    "Li",
    "Hiroshi",
    "Yuki",
    "Min-jun",
    "Seo-yeon",
    "Arjun",
    "Priya",
    "Rahul",
    "Ananya",
    "Vikram",
    "Deepa",
    "Mohammed",
    "Fatima",
    "Omar",
    "Aisha",
    "Ahmed",
    "Layla",
    "Chinedu",
    "Ngozi",
    "Oluwaseun",
    "Amara",
    "Kwame",
    "Efua",
    "Olga",
    "Dmitri",
    "Anna",
    "Piotr",
    "Katarzyna",
    "Lukas",
    "Lena",
    "Jan",
    "Emma",
    "Noah",
    "Olivia",
    "Liam",
    "Ava",
    "Ethan",
    "Mia",
    "Lucas",
    "Chloe",
    "Mateo",
    "Zoe",
    "Thanh",
    "Linh",
    "Minh",
    "Tuan",
    "Jamal",
    "Keisha",
    "Tyrone",
    "Imani",
    "Dwayne",
    "Ebony",
    "Connor",
    "Siobhan",
    "Sean",
    "Aoife",
    "Giulia",
    "Marco",
];

static LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Kim",
    "Park",
    "Chen",
    "Wang",
    "Zhang",
    "Liu",
    "Patel",
    "Shah",
    "Singh",
    "Kumar",
    "Gupta",
    "Reddy",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Khan",
    "Hussain",
    "Ali",
    "Ivanov",
    "Kowalski",
    "Nowak",
    "Müller",
    "Schmidt",
    "Fischer",
    "Rossi",
    "Bianchi",
    "Silva",
    "Santos",
    "Oliveira",
    "Costa",
    "Tanaka",
    "Sato",
    "Suzuki",
    "O'Brien",
    "Murphy",
    "Kelly",
    "Walsh",
    "Tran",
    "Pham",
    "Le",
    "Dubois",
    "Moreau",
    "Jansen",
    "de Vries",
    "Van der Berg",
    "Cohen",
    "Levi",
    "Haddad",
    "Nasser",
    "Mwangi",
    "Otieno",
];

static FREE_MAIL: &[(&str, f64)] = &[
    ("gmail.com", 0.55),
    ("outlook.com", 0.12),
    ("yahoo.com", 0.09),
    ("hotmail.com", 0.06),
    ("icloud.com", 0.1),
    ("proton.me", 0.04),
    ("aol.com", 0.02),
    ("gmx.net", 0.02),
];

static CUSTOM_DOMAINS: &[&str] = &[
    "fastmail.com",
    "hey.com",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "pm.me",
    "tutanota.com",
];

static WORDS: &[&str] = &[
    "tech", "dev", "code", "cloud", "data", "smart", "pro", "star", "ninja", "guru", "pixel",
    "byte", "logic", "prime", "alpha", "nova", "swift", "bright", "sky", "blue", "rapid", "cyber",
];

/// A person's name parts.
#[derive(Debug, Clone)]
pub(crate) struct Name {
    pub first: &'static str,
    pub last: &'static str,
    pub middle_initial: Option<char>,
}

impl Name {
    pub(crate) fn draw(rng: &mut Rng) -> Name {
        let middle_initial = rng
            .chance(0.12)
            .then(|| (b'A' + rng.range(0, 26) as u8) as char);
        Name {
            first: rng.choose(FIRST_NAMES),
            last: rng.choose(LAST_NAMES),
            middle_initial,
        }
    }

    /// The name as typed into the form: mostly as spelled, sometimes in lower case.
    pub(crate) fn typed(&self, rng: &mut Rng) -> String {
        let full = match self.middle_initial {
            Some(m) => format!("{} {}. {}", self.first, m, self.last),
            None => format!("{} {}", self.first, self.last),
        };
        if rng.chance(0.03) {
            full.to_lowercase()
        } else {
            full
        }
    }
}

/// ASCII slug of a name part as people put it in e-mail addresses ("Müller" → "muller").
pub(crate) fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'á' | 'à' | 'ä' | 'â' | 'ã' => Some('a'),
            'é' | 'è' | 'ë' | 'ê' => Some('e'),
            'í' | 'ï' => Some('i'),
            'ó' | 'ö' | 'ô' | 'õ' => Some('o'),
            'ú' | 'ü' => Some('u'),
            'ñ' => Some('n'),
            'ç' => Some('c'),
            'ł' => Some('l'),
            _ => None,
        })
        .collect()
}

/// An e-mail address built from the name, in one of the usual patterns.
pub(crate) fn email_for(name: &Name, rng: &mut Rng, digits_p: f64) -> String {
    let f = ascii_slug(name.first);
    let l = ascii_slug(name.last);
    let f1 = f.chars().next().unwrap_or('x');
    let local = match rng.index(6) {
        0 => format!("{f}.{l}"),
        1 => format!("{f}{l}"),
        2 => format!("{f1}{l}"),
        3 => format!("{f}_{l}"),
        4 => format!("{l}.{f}"),
        _ => format!("{f}.{l}"),
    };
    let local = if rng.chance(digits_p) {
        let n = if rng.chance(0.5) {
            rng.int(1970, 2004)
        } else {
            rng.int(1, 999)
        };
        format!("{local}{n}")
    } else {
        local
    };
    format!("{local}@{}", mail_domain(rng))
}

/// An e-mail address unrelated to the name: a different person's name or a handle.
pub(crate) fn unrelated_email(rng: &mut Rng) -> String {
    if rng.chance(0.5) {
        let other = Name::draw(rng);
        email_for(&other, rng, 0.7)
    } else {
        let a = rng.pick(WORDS);
        let b = rng.pick(WORDS);
        format!("{a}{b}{}@{}", rng.int(1, 9999), mail_domain(rng))
    }
}

fn mail_domain(rng: &mut Rng) -> String {
    if rng.chance(0.92) {
        rng.pick_weighted(FREE_MAIL).to_string()
    } else {
        rng.pick(CUSTOM_DOMAINS).to_string()
    }
}

/// Profile link with a slug made from `name` (the account owner's name).
pub(crate) fn profile_url(name: &Name, rng: &mut Rng) -> String {
    let slug = format!("{}-{}", ascii_slug(name.first), ascii_slug(name.last));
    if rng.chance(0.6) {
        format!("https://www.linkedin.com/in/{slug}-{}", rng.hex(6))
    } else {
        format!("https://www.linkedin.com/in/{slug}")
    }
}

/// How a phone number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PhoneStyle {
    /// As a local writes it: "(415) 555-0100", "415-555-0100", "0151 2345678", "06 12 34 56 78".
    Local,
    /// Plain digits, national form: "4155550100", "015123456789".
    Digits,
    /// International with spaces: "+1 415 555 0100", "+49 151 23456789".
    International,
    /// Compact international: "+14155550100".
    E164,
    /// Unusual for a local: "1-415-555-0100", "001 415 555 0100", "+1-(415)-555-0100".
    Unusual,
}

/// A national significant number for `numbering`, using `area` when the country has area codes.
pub(crate) fn national_number(numbering: &Numbering, area: Option<&str>, rng: &mut Rng) -> String {
    let mut nsn = String::with_capacity(numbering.nsn_len);
    if let Some(area) = area {
        nsn.push_str(area);
        if numbering.calling_code == "55" {
            nsn.push('9'); // Brazilian mobiles: area code + 9 + eight digits.
        }
        if numbering.calling_code == "1" {
            // NANP exchange: [2-9]XX, avoiding N11 service codes and the 555 fiction block.
            loop {
                let ex = rng.int(200, 999);
                if ex % 100 != 11 && ex != 555 && ex != 950 && ex != 958 && ex != 959 {
                    nsn.push_str(&ex.to_string());
                    break;
                }
            }
        }
    } else {
        nsn.push_str(rng.choose(numbering.mobile_prefixes));
    }
    while nsn.len() < numbering.nsn_len {
        nsn.push((b'0' + rng.range(0, 10) as u8) as char);
    }
    nsn
}

fn grouped(digits: &str, groups: &[usize], sep: &str) -> String {
    let mut out = String::with_capacity(digits.len() + groups.len() * sep.len());
    let mut pos = 0;
    for (i, g) in groups.iter().enumerate() {
        if pos >= digits.len() {
            break;
        }
        let end = (pos + g).min(digits.len());
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&digits[pos..end]);
        pos = end;
    }
    if pos < digits.len() {
        out.push_str(sep);
        out.push_str(&digits[pos..]);
    }
    out
}

/// Writes the national significant number `nsn` of `numbering` in `style`.
pub(crate) fn format_phone(
    numbering: &Numbering,
    nsn: &str,
    style: PhoneStyle,
    rng: &mut Rng,
) -> String {
    let cc = numbering.calling_code;
    let nanp = cc == "1";
    match style {
        PhoneStyle::Local => {
            if nanp {
                let (a, rest) = nsn.split_at(3);
                let (b, c) = rest.split_at(3);
                match rng.index(3) {
                    0 => format!("({a}) {b}-{c}"),
                    1 => format!("{a}-{b}-{c}"),
                    _ => format!("{a}.{b}.{c}"),
                }
            } else {
                let national = format!("{}{}", numbering.trunk, nsn);
                grouped(&national, numbering.groups, " ")
            }
        }
        PhoneStyle::Digits => format!("{}{}", numbering.trunk, nsn),
        PhoneStyle::International => {
            let groups: &[usize] = if nanp { &[3, 3, 4] } else { numbering.groups };
            // International form drops the trunk prefix; regroup from the first digit.
            let mut g: Vec<usize> = groups.to_vec();
            if !numbering.trunk.is_empty() && !nanp && g[0] > 1 {
                g[0] -= 1;
            }
            format!("+{cc} {}", grouped(nsn, &g, " "))
        }
        PhoneStyle::E164 => format!("+{cc}{nsn}"),
        PhoneStyle::Unusual => {
            let spaced = grouped(nsn, if nanp { &[3, 3, 4] } else { numbering.groups }, "-");
            match rng.index(4) {
                0 => format!("{cc}-{spaced}"),
                1 => format!("00{cc} {}", grouped(nsn, numbering.groups, " ")),
                2 => format!("+{cc}-{spaced}"),
                _ => format!("({cc}) {}", grouped(nsn, numbering.groups, " ")),
            }
        }
    }
}

/// A phone number for someone living in `country` (area code of `city_area` when it has them),
/// in a style a local would use.
pub(crate) fn local_phone(
    country: &Country,
    area: Option<&str>,
    rng: &mut Rng,
) -> (String, String) {
    let nsn = national_number(&country.numbering, area, rng);
    let style = *rng.pick_weighted(&[
        (PhoneStyle::Local, 0.62),
        (PhoneStyle::Digits, 0.14),
        (PhoneStyle::International, 0.17),
        (PhoneStyle::E164, 0.05),
        (PhoneStyle::Unusual, 0.02),
    ]);
    (format_phone(&country.numbering, &nsn, style, rng), nsn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::COUNTRIES;

    #[test]
    fn formats_match_hand_written_examples() {
        let mut rng = Rng::new(1, 1);
        let us = &COUNTRIES[0].numbering;
        assert_eq!(
            format_phone(us, "4155550100", PhoneStyle::International, &mut rng),
            "+1 415 555 0100"
        );
        assert_eq!(
            format_phone(us, "4155550100", PhoneStyle::E164, &mut rng),
            "+14155550100"
        );
        assert_eq!(
            format_phone(us, "4155550100", PhoneStyle::Digits, &mut rng),
            "4155550100"
        );
        let de = &COUNTRIES.iter().find(|c| c.code == "DE").unwrap().numbering;
        assert_eq!(
            format_phone(de, "15123456789", PhoneStyle::Local, &mut rng),
            "0151 23456789"
        );
        assert_eq!(
            format_phone(de, "15123456789", PhoneStyle::International, &mut rng),
            "+49 151 23456789"
        );
        let fr = &COUNTRIES.iter().find(|c| c.code == "FR").unwrap().numbering;
        assert_eq!(
            format_phone(fr, "612345678", PhoneStyle::Local, &mut rng),
            "06 12 34 56 78"
        );
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(ascii_slug("Müller"), "muller");
        assert_eq!(ascii_slug("O'Brien"), "obrien");
        assert_eq!(ascii_slug("de Vries"), "devries");
    }
}
