/* Stand-in <netdb.h> for wasm32-unknown-unknown: libpg_query only needs NI_MAXHOST. */
#ifndef SCHEMASIM_WASM_NETDB_H
#define SCHEMASIM_WASM_NETDB_H

#define NI_MAXHOST 1025
#define NI_MAXSERV 32

#endif
