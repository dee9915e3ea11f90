#!/bin/sh
# rng2c.sh SCHEMA VARIABLE: the schema as a C string, for the library to
# validate with no runtime file dependency.
set -eu
printf '/* Generated from %s by rng2c.sh: do not edit. */\n' "$(basename "$1")"
printf 'extern const char %s[];\nconst char %s[] =\n' "$2" "$2"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' "$1"
printf ';\n'
