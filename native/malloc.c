/*
 * dq's glibc allocator setting (optional; see README, Performance). Loading this Node-API module sets
 * M_MMAP_THRESHOLD once for the whole process: blocks from 2 MiB up get their own mapping, returned to the
 * system when freed. glibc's default threshold starts at 128 KiB but rises to the size of each such block freed
 * (up to 32 MiB), after which large typed arrays (hash tables and logs that grow, value chunks) come from the heap
 * and their memory stays with the process when they die. 2 MiB, not glibc's 128 KiB: the 1 MiB read buffers and
 * smaller arrays come and go all the time, and mapping each of them costs system time (measured: 128 KiB saved
 * a little more memory on 1M rows but took 0.4-1.9 s more system time).
 * It exports nothing. No Node headers are needed: the one Node-API entry point is declared here.
 */
#include <malloc.h>

#ifndef DQ_MMAP_THRESHOLD
#define DQ_MMAP_THRESHOLD (2 * 1024 * 1024)
#endif

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;

__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  (void)env;
  mallopt(M_MMAP_THRESHOLD, DQ_MMAP_THRESHOLD);
  return exports;
}

/* Node-API version 1 is all this module needs. */
__attribute__((visibility("default"))) int node_api_module_get_api_version_v1(void) { return 1; }
