#!/usr/bin/env bash
# A walk-through of the command line on six hand-built synthetic cases (names and SSNs are
# invented; SSNs are in the never-issued 900-999 area): every command a caseworker or an
# accounting technician uses, and the ledgers they produce. `make demo` runs it after the
# simulated caseload. Deterministic: it runs as of a fixed date.
set -euo pipefail
BIN=${1:-build/opencse}
DIR=demo
DB=$DIR/walkthrough.db
TODAY=2025-06-30
mkdir -p "$DIR"
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-access"*
cse() { "$BIN" --db "$DB" --today "$TODAY" --user demo "$@"; }

cse init
cse config set distribution.federal_share_bps 5800 >/dev/null

# 1. Never-assistance family: weekly order, employer withholding, one bounced direct payment.
P1=$(cse party add --first Marcus --last Ellison --ssn 900451201 --dob 1988-04-12 --city Columbus --state OH --county Franklin)
P2=$(cse party add --first Dana --last Ellison --city Columbus --state OH --county Franklin)
K1=$(cse party add --first Ava --last Ellison --dob 2016-09-02)
C1=$(cse case add --obligor "$P1" --obligee "$P2" --child "$K1" --county Franklin --opened 2024-12-15)
cse order add --case "$C1" --amount 115.00 --frequency weekly --effective 2025-01-03 >/dev/null
EMP=$(cse employer add --fein 900112233 --name "Riverside Logistics" --city Columbus --state OH)
cse employment add --person "$P1" --employer "$EMP" --start 2024-06-01 --pay-cycle biweekly --gross 1850.00 >/dev/null
for d in 2025-01-17 2025-01-31 2025-02-14 2025-02-28 2025-03-14 2025-03-28 2025-04-11 2025-04-25; do
  cse post-payment --case "$C1" --amount 230.00 --date "$d" --source withholding --key "iwo-$P1-$d" >/dev/null
done
cse post-payment --case "$C1" --amount 300.00 --date 2025-05-09 --source direct --key "chk-$P1-0509" >/dev/null
cse reverse-payment --key "chk-$P1-0509" --date 2025-05-16 --reason "NSF: check returned" >/dev/null

# 2. Former-assistance family: TANF in 2023, arrears during assistance (assigned, up to URA),
#    a federal tax refund offset that pays the state first.
P3=$(cse party add --first Trevor --last Banks --ssn 900451202 --dob 1985-11-30 --city Dayton --state OH --county Montgomery)
P4=$(cse party add --first Keisha --last Moore --city Dayton --state OH --county Montgomery)
K2=$(cse party add --first Jalen --last Moore --dob 2014-03-17)
C2=$(cse case add --obligor "$P3" --obligee "$P4" --child "$K2" --type former_assistance \
      --assistance-from 2023-01-01 --assistance-to 2023-12-31 --monthly-grant 320.00 --opened 2023-02-01)
cse order add --case "$C2" --amount 400.00 --effective 2023-01-01 >/dev/null
cse post-payment --case "$C2" --amount 1450.00 --date 2025-03-05 --source tax_offset --key "fto-$P3-2025" >/dev/null
cse post-payment --case "$C2" --amount 400.00 --date 2025-04-10 --source direct --key "chk-$P3-0410" >/dev/null

# 3. Current-assistance family: collections reimburse the TANF grant (URA) first.
P5=$(cse party add --first Luis --last Ortega --ssn 900451203 --dob 1992-07-08 --city Toledo --state OH --county Lucas)
P6=$(cse party add --first Rosa --last Ortega --city Toledo --state OH --county Lucas)
K3=$(cse party add --first Mateo --last Ortega --dob 2019-01-25)
C3=$(cse case add --obligor "$P5" --obligee "$P6" --child "$K3" --type current_assistance \
      --assistance-from 2025-01-01 --monthly-grant 250.00 --opened 2025-01-02)
cse order add --case "$C3" --amount 350.00 --effective 2025-01-01 >/dev/null

# 4. One obligor, two families: payments are prorated across both cases.
P7=$(cse party add --first Derek --last Hollis --ssn 900451204 --dob 1983-05-19 --city Akron --state OH --county Summit)
P8=$(cse party add --first Nina --last Park --city Akron --state OH --county Summit)
P9=$(cse party add --first Carla --last Reyes --city Canton --state OH --county Stark)
K4=$(cse party add --first Eli --last Park --dob 2013-12-01)
K5=$(cse party add --first Sofia --last Reyes --dob 2017-06-11)
C4=$(cse case add --obligor "$P7" --obligee "$P8" --child "$K4" --county Summit --opened 2024-09-01)
C5=$(cse case add --obligor "$P7" --obligee "$P9" --child "$K5" --county Stark --opened 2024-10-01)
O4=$(cse order add --case "$C4" --amount 300.00 --effective 2024-10-01)
cse order add --case "$C5" --amount 450.00 --frequency semimonthly --effective 2024-10-16 \
    --child "$K5:450.00" >/dev/null
# A modification mid-month: case 4's order rises to 360.00 from 2025-03-16.
cse order add --case "$C4" --amount 360.00 --effective 2025-03-16 --replaces "$O4" >/dev/null

# 5. A case closed under 45 CFR 303.11: no order was ever established and nothing is owed; the
#    notice of intent to close went out 60 days ago, so it can close today.
P10=$(cse party add --first Owen --last Pratt --dob 1990-02-14 --city Lima --state OH --county Allen)
P11=$(cse party add --first Jenna --last Pratt --city Lima --state OH --county Allen)
C6=$(cse case add --obligor "$P10" --obligee "$P11" --county Allen --opened 2025-01-10)
cse case close-notice --case "$C6" --reason no_order_arrears_under_500 --date 2025-05-01 >/dev/null
cse case close --case "$C6" >/dev/null

# Monthly payments for cases 3 and 4/5 arrive in a payment file.
CSV=$DIR/payments.csv
echo "key,case_id,amount,date,source" > "$CSV"
for m in 01 02 03 04 05 06; do
  echo "sdu-$P5-2025$m,$C3,350.00,2025-$m-12,withholding" >> "$CSV"
  echo "sdu-$P7-2025$m,$C4,900.00,2025-$m-20,direct" >> "$CSV"
done
cse import payments "$CSV"

for c in "$C1" "$C2" "$C3" "$C4" "$C5"; do
  echo
  echo "================================================================================"
  cse ledger --case "$c"
done
echo
cse ledger --obligor "$P7"
echo
cse case show --case "$C6"
echo
cse audit verify
echo
echo "Demo database: $DB (as of $TODAY). Try: $BIN --db $DB --today $TODAY ledger --case $C2 --as-of 2024-12-31"
