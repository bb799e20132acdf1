#!/usr/bin/env bash
# Replays every example on a real PostgreSQL server and prints what PostgreSQL
# says at the moments each README describes.  This is how the "observed on
# PostgreSQL 17.10" outputs in the READMEs were produced.
#
#   PSQL=/path/to/psql PG_DUMP=/path/to/pg_dump PGHOST=127.0.0.1 PGPORT=55441 PGUSER=postgres \
#       examples/verify-on-postgres.sh [skipped-baseline|missing-tables|role-enum-rls-rollback|rollback-plan-fails|drift|audit ...]
#
# Needs a superuser on a throwaway server: it creates and drops databases named ex_*.
# Every migration file runs as
#     psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose --single-transaction -f FILE
# (one session and one transaction per file, as Diesel and golang-migrate do).
# Dumps are pg_dump --schema-only --no-owner --no-privileges --restrict-key=examples.
# Set REGENERATE=1 to rewrite the production.sql files instead of comparing them.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
PSQL=${PSQL:-psql}
PG_DUMP=${PG_DUMP:-pg_dump}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

say()   { printf '\n### %s\n' "$*"; }
fresh() { "$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$1\"" -c "CREATE DATABASE \"$1\" TEMPLATE template0" 2>/dev/null; }
clone() { "$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$2\"" -c "CREATE DATABASE \"$2\" TEMPLATE \"$1\"" 2>/dev/null; }
drop()  { "$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$1\"" 2>/dev/null; }
# apply DB FILE...: one psql session + transaction per file; prints PG's messages and the exit status
apply() {
    local db=$1; shift
    for f in "$@"; do
        echo "-- $f"
        "$PSQL" -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose --single-transaction -d "$db" -f "$f" 2>&1 | grep -v '^LOCATION:'
        echo "   (psql exit ${PIPESTATUS[0]})"
    done
}
# quiet DB FILE...: as apply, but only prints messages
quiet() { local db=$1; shift; apply "$db" "$@" | grep -v '^-- \|(psql exit 0)'; }
dump()  { "$PG_DUMP" --schema-only --no-owner --no-privileges --restrict-key=examples "$1"; }
same()  { if diff -u "$1" "$2" > "$TMP/diff"; then echo "identical: $3"; else echo "DIFFERENT: $3"; cat "$TMP/diff"; fi; }
dumpdiff() { if diff "$1" "$2" > "$TMP/diff"; then echo "(no difference)"; else cat "$TMP/diff"; fi; }
production() {  # production DB FILE: compare (or regenerate) a committed production dump
    if [ "${REGENERATE:-0}" = 1 ]; then dump "$1" > "$2"; echo "regenerated $2"
    else dump "$1" > "$TMP/prod.sql"; same "$2" "$TMP/prod.sql" "$2 == pg_dump of the database built here"; fi
}

skipped_baseline() {
    cd "$HERE/skipped-baseline" || return
    local prod; prod=$(grep -v '^#' production-applied.txt | grep . | sed 's|^|migrations/|')
    say "skipped-baseline: full history (migrations/ in order)"
    fresh ex_sb_full; apply ex_sb_full migrations/*.sql
    say "skipped-baseline: production (only the files in production-applied.txt)"
    fresh ex_sb_prod; quiet ex_sb_prod $prod
    production ex_sb_prod production.sql
    say "skipped-baseline: the app's INSERT against production"
    apply ex_sb_prod queries/admin_add_customer.sql
    say "skipped-baseline: the app's INSERT against the full history"
    apply ex_sb_full queries/admin_add_customer.sql
    say "skipped-baseline: the app's INSERT against the state after each step of the history"
    local f; fresh ex_sb_step
    for f in migrations/*.sql; do
        quiet ex_sb_step "$f"
        echo "after $f:"
        "$PSQL" -X -q -v VERBOSITY=verbose -d ex_sb_step -c 'BEGIN' -f queries/admin_add_customer.sql -c 'ROLLBACK' 2>&1 \
            | grep -E '^psql.*(ERROR|NOTICE)' || echo "   INSERT succeeds"
    done
    drop ex_sb_step
    say "skipped-baseline: running 115 late, after 200, on production"
    clone ex_sb_prod ex_sb_late; apply ex_sb_late migrations/115_add_user_status.sql
    dump ex_sb_full > "$TMP/full.sql"; dump ex_sb_late > "$TMP/late.sql"
    same "$TMP/full.sql" "$TMP/late.sql" "production + late 115 == full history"
    say "skipped-baseline: fresh environment built from the baseline (200), then 115"
    fresh ex_sb_new; apply ex_sb_new migrations/200_consolidated_baseline.sql migrations/115_add_user_status.sql
    say "skipped-baseline: rollback.sql on production"
    clone ex_sb_prod ex_sb_rb; apply ex_sb_rb rollback.sql
    say "skipped-baseline: rollback.sql on the full history"
    apply ex_sb_full rollback.sql
    dump ex_sb_full > "$TMP/full-rb.sql"; same production.sql "$TMP/full-rb.sql" "full history + rollback.sql == production.sql"
    for d in ex_sb_full ex_sb_prod ex_sb_late ex_sb_new ex_sb_rb; do drop $d; done
}

missing_tables() {
    cd "$HERE/missing-tables" || return
    local seed="INSERT INTO users (id, email, full_name, is_admin) VALUES (7, 'admin@example.com', 'Ada Admin', true);
                INSERT INTO organizations (id, name, slug) VALUES (42, 'Acme', 'acme');"
    say "missing-tables: history"
    fresh ex_mt_hist; quiet ex_mt_hist migrations/*.sql
    say "missing-tables: production = history + hand-applied-in-production.sql"
    fresh ex_mt_prod; quiet ex_mt_prod migrations/*.sql hand-applied-in-production.sql
    production ex_mt_prod production.sql
    clone ex_mt_prod ex_mt_prod2
    say "missing-tables: queries/admin_api.sql against the history (autocommit, continue on error)"
    "$PSQL" -X -q -d ex_mt_hist -c "$seed"
    "$PSQL" -X -q -v VERBOSITY=verbose -d ex_mt_hist -f queries/admin_api.sql 2>&1 | grep -v '^LOCATION:'
    say "missing-tables: queries/admin_api.sql against production"
    "$PSQL" -X -q -d ex_mt_prod -c "$seed"
    "$PSQL" -X -q -v VERBOSITY=verbose -d ex_mt_prod -f queries/admin_api.sql 2>&1 | grep -v '^LOCATION:'
    say "missing-tables: followup/005 on production"
    apply ex_mt_prod2 followup/005_create_user_invitations.sql
    say "missing-tables: followup/005 merged into the history (both 005s)"
    fresh ex_mt_merged; quiet ex_mt_merged migrations/*.sql followup/005_create_user_invitations.sql
    say "missing-tables: what still differs (merged history vs production after the followup)"
    dump ex_mt_merged > "$TMP/merged.sql"; dump ex_mt_prod2 > "$TMP/prod2.sql"; dumpdiff "$TMP/merged.sql" "$TMP/prod2.sql"
    for d in ex_mt_hist ex_mt_prod ex_mt_prod2 ex_mt_merged; do drop $d; done
}

role_enum_rls_rollback() {
    cd "$HERE/role-enum-rls-rollback" || return
    local M=(migrations/*/) k
    say "role-enum-rls-rollback: every up.sql in order (001-008)"
    fresh ex_rr; apply ex_rr "${M[@]/%/up.sql}"
    for k in 0 1 2 3 4 5 6 7; do
        fresh ex_rr_s$k; [ $k -gt 0 ] && quiet ex_rr_s$k $(for m in "${M[@]:0:$k}"; do echo ${m}up.sql; done)
        dump ex_rr_s$k > "$TMP/rr_s$k.sql"
    done
    for k in 1 2 3 4 5 6 7; do
        say "role-enum-rls-rollback: single step: state $((k-1)) + up $k + down $k, compared with state $((k-1))"
        clone ex_rr_s$k ex_rr_d; apply ex_rr_d ${M[$((k-1))]}down.sql
        dump ex_rr_d > "$TMP/d.sql"; dumpdiff "$TMP/rr_s$((k-1)).sql" "$TMP/d.sql"
    done
    say "role-enum-rls-rollback: 007 with DROP FUNCTION get_current_iso_agent_id() moved before the DROP POLICYs"
    awk '/^DROP FUNCTION get_current_iso_agent_id/ {next}
         /^DROP POLICY iso_agents_select_own/ {print "DROP FUNCTION get_current_iso_agent_id();\n"} {print}' \
        ${M[6]}up.sql > "$TMP/007-wrong-order.sql"
    clone ex_rr_s6 ex_rr_v; apply ex_rr_v "$TMP/007-wrong-order.sql"
    say "role-enum-rls-rollback: fixed/ 008 (CASCADE) on state 7"
    clone ex_rr_s7 ex_rr_fixed; apply ex_rr_fixed fixed/*/up.sql
    say "role-enum-rls-rollback: what fixed 008 leaves: state 3 (before 004) vs after fixed 008"
    dump ex_rr_fixed > "$TMP/fixed.sql"; dumpdiff "$TMP/rr_s3.sql" "$TMP/fixed.sql"
    say "role-enum-rls-rollback: queries/rollback_checklist.sql after fixed 008"
    "$PSQL" -X -d ex_rr_fixed -f queries/rollback_checklist.sql
    say "role-enum-rls-rollback: 008's down.sql"
    apply ex_rr_fixed fixed/*/down.sql
    for d in ex_rr ex_rr_d ex_rr_v ex_rr_fixed ex_rr_s{0..7}; do drop $d; done
}

rollback_plan_fails() {
    cd "$HERE/rollback-plan-fails" || return
    local U=(migrations/*.up.sql) D=(migrations/*.down.sql) k
    say "rollback-plan-fails: every up in order"
    fresh ex_rp; apply ex_rp "${U[@]}"
    for k in 0 1 2 3 4 5 6; do
        fresh ex_rp_s$k; [ $k -gt 0 ] && quiet ex_rp_s$k "${U[@]:0:$k}" > /dev/null
        dump ex_rp_s$k > "$TMP/rp_s$k.sql"
    done
    for k in 1 2 3 4 5 6; do
        say "rollback-plan-fails: single step: state $((k-1)) + up $k + down $k, compared with state $((k-1))"
        clone ex_rp_s$k ex_rp_d$k; apply ex_rp_d$k ${D[$((k-1))]}
        dump ex_rp_d$k > "$TMP/d.sql"; dumpdiff "$TMP/rp_s$((k-1)).sql" "$TMP/d.sql"
    done
    say "rollback-plan-fails: redo 4 (up 4 again after down 4)"
    apply ex_rp_d4 ${U[3]}
    say "rollback-plan-fails: migrate down all, from version 6"
    apply ex_rp "${D[5]}"
    say "rollback-plan-fails: migrate down all, from version 5 (downs 5,4,3,2,1), compared with the empty database"
    clone ex_rp_s5 ex_rp_all; apply ex_rp_all ${D[4]} ${D[3]} ${D[2]} ${D[1]} ${D[0]}
    dump ex_rp_all > "$TMP/all.sql"; dumpdiff "$TMP/rp_s0.sql" "$TMP/all.sql"
    for d in ex_rp ex_rp_all ex_rp_s{0..6} ex_rp_d{1..6}; do drop $d; done
}

drift() {
    cd "$HERE/drift" || return
    say "drift: history"
    fresh ex_dr_hist; quiet ex_dr_hist migrations/*.sql
    say "drift: production = 001-004, then 005 and 006 as they were actually run (see README)"
    printf 'ALTER TABLE projects ADD COLUMN archived_at TIMESTAMPTZ;\n' > "$TMP/005-as-run.sql"
    printf 'CREATE INDEX projects_created_by_idx ON projects (created_by);\n' > "$TMP/006-as-run.sql"
    fresh ex_dr_prod; quiet ex_dr_prod migrations/00[1-4]_*.sql "$TMP/005-as-run.sql" "$TMP/006-as-run.sql"
    production ex_dr_prod production.sql
    say "drift: history vs production.sql"
    dump ex_dr_hist > "$TMP/hist.sql"; dumpdiff "$TMP/hist.sql" production.sql
    say "drift: repair.sql on production, then compared with the history"
    clone ex_dr_prod ex_dr_fix; apply ex_dr_fix repair.sql
    dump ex_dr_fix > "$TMP/fix.sql"; same "$TMP/hist.sql" "$TMP/fix.sql" "production + repair.sql == history"
    say "drift: repair.sql on the history (already complete)"
    apply ex_dr_hist repair.sql
    for d in ex_dr_hist ex_dr_prod ex_dr_fix; do drop $d; done
}

audit() {
    cd "$HERE/audit" || return
    say "audit: history"
    fresh ex_au; apply ex_au migrations/*.sql
    say "audit: audit-queries.sql"
    "$PSQL" -X -d ex_au -f audit-queries.sql
    drop ex_au
}

"$PSQL" -X -At -d postgres -c 'SELECT version()'
for ex in "${@:-skipped-baseline missing-tables role-enum-rls-rollback rollback-plan-fails drift audit}"; do
    for e in $ex; do "${e//-/_}"; done
done
