/* Stand-in <syslog.h> for wasm32-unknown-unknown: intentionally empty (libpg_query
 * includes it but never logs to syslog in the parser build). */
#ifndef SCHEMASIM_WASM_SYSLOG_H
#define SCHEMASIM_WASM_SYSLOG_H
#endif
