"""Python `phonenumbers` (Google libphonenumber's Python port) as a second reference for the phone
family: reads lines "PHONE<TAB>REGION" on stdin and prints, per line, tab-separated:

    parsed possible valid valid_for_region region line_type

`parsed` is whether `phonenumbers.parse(PHONE, REGION or None)` succeeds; `possible` is
`is_possible_number_with_reason(...) == IS_POSSIBLE` (local-only lengths do not count);
`valid` is `is_valid_number`; `valid_for_region` is `is_valid_number_for_region(n, REGION)`;
`region` is `region_code_for_number` of a valid number ("-" otherwise, and for the
non-geographic "001"); `line_type` the `PhoneNumberType` name of a valid number in lower case
("-" otherwise). Booleans are 0/1. The first line printed is "version <phonenumbers version>".
"""

import sys

import phonenumbers
from phonenumbers import PhoneNumberType, ValidationResult

TYPES = {
    value: name.lower()
    for name, value in vars(PhoneNumberType).items()
    if name.isupper() and isinstance(value, int)
}


def row(phone, region):
    try:
        n = phonenumbers.parse(phone, region or None)
    except phonenumbers.NumberParseException:
        return "0\t0\t0\t0\t-\t-"
    possible = phonenumbers.is_possible_number_with_reason(n) == ValidationResult.IS_POSSIBLE
    valid = phonenumbers.is_valid_number(n)
    for_region = bool(region) and phonenumbers.is_valid_number_for_region(n, region)
    own = phonenumbers.region_code_for_number(n) if valid else None
    own = own if own and len(own) == 2 else "-"
    kind = TYPES.get(phonenumbers.number_type(n), "-") if valid else "-"
    return "1\t%d\t%d\t%d\t%s\t%s" % (possible, valid, for_region, own, kind)


def main():
    out = ["version %s" % phonenumbers.__version__]
    for line in sys.stdin.read().split("\n"):
        if not line:
            continue
        phone, _, region = line.partition("\t")
        out.append(row(phone, region))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
