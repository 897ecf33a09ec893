/*
 * A stand-in netapi32 for testing NetSession.cs on Linux under Mono.
 *
 * Windows semantics (lmshare.h / MS-SRVS): one NetApiBufferAllocate-style block holds the
 * SESSION_INFO_* array followed by its strings; ERROR_MORE_DATA (234) with a resume handle
 * at any prefmaxlen; client/user filters (2312 / 2221 when nothing matches); NetSessionDel
 * by (client, user). WCHAR is uint16_t (wchar_t is 4 bytes here),
 * DWORD is uint32_t, pointers are 8 bytes: the Win64 layouts.
 *
 * Test controls (standin_*) let the C# tests add sessions, inject errors, choose paging
 * behaviour (also 2123 instead of 234, and hostile listings: a repeated or zero resume handle,
 * rounds without entries, a listing that never ends), count calls and check every buffer was
 * freed exactly once. Every call is logged
 * with all of its arguments and its answer (standin_log_*): what reaches NetSessionDel is what
 * a user loses, so the tests assert it exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdio.h>

typedef uint16_t WCHAR;
typedef uint32_t DWORD;

#define NERR_Success 0
#define ERROR_ACCESS_DENIED 5
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_PARAMETER 87
#define ERROR_INVALID_LEVEL 124
#define ERROR_MORE_DATA 234
#define NERR_BufTooSmall 2123
#define NERR_UserNotFound 2221
#define NERR_ClientNameNotFound 2312
#define MAX_PREFERRED_LENGTH 0xFFFFFFFFu

typedef struct { WCHAR *cname; } SESSION_INFO_0;
typedef struct { WCHAR *cname; WCHAR *username; DWORD num_opens, time, idle_time, user_flags; } SESSION_INFO_1;
typedef struct { WCHAR *cname; WCHAR *username; DWORD num_opens, time, idle_time, user_flags; WCHAR *cltype_name; } SESSION_INFO_2;
typedef struct { WCHAR *cname; WCHAR *username; DWORD time, idle_time; } SESSION_INFO_10;
typedef struct { WCHAR *cname; WCHAR *username; DWORD num_opens, time, idle_time, user_flags; WCHAR *cltype_name; WCHAR *transport; } SESSION_INFO_502;

typedef struct {
    WCHAR *cname, *username, *cltype, *transport;
    DWORD num_opens, time, idle_time, user_flags;
    int deleted;
} session_t;

static session_t *sessions;
static size_t n_sessions, cap_sessions;

/* ---- buffer accounting ---- */
#define MAX_TRACKED 4096
static void *live[MAX_TRACKED];
static size_t n_live;
static void *freed[MAX_TRACKED];
static size_t n_freed;
static int double_frees, bad_frees, allocations, frees;

/* ---- behaviour controls ---- */
enum { FN_ENUM, FN_DEL, FN_COUNT };
static int calls[FN_COUNT];
static DWORD inject_status[FN_COUNT];
static int inject_from[FN_COUNT], inject_times[FN_COUNT];
static int supported_levels_mask = -1;   /* bit per level index: 0,1,2,10,502 */
static int paging_mode;                  /* 0 windows, 1 empty page if too small, 2 always empty 234 */
static int both_null_deletes;
static int denied_levels_mask;           /* bit per level index: NetSessionEnum answers 5 */
static int samba_delete;                 /* NetSessionDel answers 5 (not 2312/2221) when nothing matched */
static int ignore_enum_filters;          /* Samba: NetSessionEnum ignores the client and user filters */
static int notfound_empty;               /* a filter that matches nothing answers 0 with no entries, not 2312/2221 */
static DWORD more_status = ERROR_MORE_DATA;   /* what "more entries follow" answers (234, or 2123) */
/* Hostile listings (standin_set_hostile): every round answers per_round generated entries with
   hostile_status, whatever the resume handle; the handle it hands back is fixed (1: always 7),
   zero (2), or one more than the one it got (3: a listing that never ends). */
enum { HANDLE_OFF, HANDLE_REPEAT, HANDLE_ZERO, HANDLE_ADVANCE };
static int hostile_handle, hostile_per_round, hostile_alloc_empty;
static DWORD hostile_status;
static unsigned long hostile_served, hostile_rounds;
static WCHAR last_client[256], last_user[256];

/* ---- call log: one line per native call, all arguments and the answer ---- */
#define LOG_CAP 4096
#define LOG_LINE 600
static WCHAR call_log[LOG_CAP][LOG_LINE];
static int n_log, log_dropped;

static size_t wlen(const WCHAR *s) { size_t n = 0; if (!s) return 0; while (s[n]) n++; return n; }
static WCHAR *wdup(const WCHAR *s) {
    if (!s) return NULL;
    size_t n = wlen(s);
    WCHAR *d = malloc((n + 1) * sizeof(WCHAR));
    memcpy(d, s, (n + 1) * sizeof(WCHAR));
    return d;
}
static void wcopy_capped(WCHAR *dst, const WCHAR *src, size_t cap) {
    size_t n = src ? wlen(src) : 0;
    if (n >= cap) n = cap - 1;
    if (src) memcpy(dst, src, n * sizeof(WCHAR));
    dst[n] = 0;
}

typedef struct { WCHAR *line; size_t n; } logline_t;
static void log_ascii(logline_t *l, const char *s) { if (!l->line) return; while (*s && l->n < LOG_LINE - 1) l->line[l->n++] = (WCHAR)*s++; }
/* a string argument: NULL, or the text in quotes (so "" and NULL differ) */
static void log_wstr(logline_t *l, const WCHAR *s) {
    if (!l->line) return;
    if (!s) { log_ascii(l, "NULL"); return; }
    log_ascii(l, "\"");
    while (*s && l->n < LOG_LINE - 2) l->line[l->n++] = *s++;
    log_ascii(l, "\"");
}
static void log_num(logline_t *l, const char *fmt, unsigned long v) { char b[32]; snprintf(b, sizeof b, fmt, v); log_ascii(l, b); }
static logline_t log_begin(const char *fn, const WCHAR *server, const WCHAR *client, const WCHAR *user) {
    logline_t l = { NULL, 0 };
    if (n_log >= LOG_CAP) { log_dropped++; return l; }
    l.line = call_log[n_log];
    log_ascii(&l, fn); log_ascii(&l, "(server="); log_wstr(&l, server);
    log_ascii(&l, ", client="); log_wstr(&l, client); log_ascii(&l, ", user="); log_wstr(&l, user);
    return l;
}
static DWORD log_end(logline_t *l, DWORD status) {
    if (!l->line) return status;
    log_num(l, ") = %lu", status);
    l->line[l->n] = 0;
    n_log++;
    return status;
}

static WCHAR lower(WCHAR c) { return (c >= 'A' && c <= 'Z') ? (WCHAR)(c + 32) : c; }
/* Windows compares names case-insensitively; a client filter has a leading \\ */
static const WCHAR *skip_slashes(const WCHAR *s) { while (s && *s == '\\') s++; return s; }
static int weq(const WCHAR *a, const WCHAR *b) {
    a = skip_slashes(a); b = skip_slashes(b);
    if (!a || !b) return 0;
    while (*a && *b) { if (lower(*a) != lower(*b)) return 0; a++; b++; }
    return *a == *b;
}

static int level_index(DWORD level) {
    switch (level) { case 0: return 0; case 1: return 1; case 2: return 2; case 10: return 3; case 502: return 4; }
    return -1;
}
static size_t struct_size(DWORD level) {
    switch (level) {
    case 0: return sizeof(SESSION_INFO_0); case 1: return sizeof(SESSION_INFO_1);
    case 2: return sizeof(SESSION_INFO_2); case 10: return sizeof(SESSION_INFO_10);
    default: return sizeof(SESSION_INFO_502);
    }
}
static size_t strings_size(const session_t *s, DWORD level) {
    size_t n = (wlen(s->cname) + 1) * 2;
    if (level != 0) n += (wlen(s->username) + 1) * 2;
    if (level == 2 || level == 502) n += (wlen(s->cltype) + 1) * 2;
    if (level == 502) n += (wlen(s->transport) + 1) * 2;
    return n;
}

static void *track_alloc(size_t size) {
    void *p = calloc(1, size ? size : 1);
    if (n_live < MAX_TRACKED) live[n_live++] = p;
    allocations++;
    return p;
}

/* for the other stand-in files of the library: their buffers are freed by NetApiBufferFree here */
void *standin_track_alloc(size_t size) { return track_alloc(size); }

static int injected(int fn) {
    int call = calls[fn]++;
    if (inject_status[fn] && call >= inject_from[fn] && (inject_times[fn] < 0 || call < inject_from[fn] + inject_times[fn]))
        return 1;
    return 0;
}

static int matches(const session_t *s, const WCHAR *client, const WCHAR *user) {
    if (s->deleted) return 0;
    if (client && !weq(s->cname, client)) return 0;
    if (user && !weq(s->username, user)) return 0;
    return 1;
}

/* A NULL string stays a NULL pointer, as the server may send it (the util must not read it). */
static WCHAR *put_string(char **cursor, const WCHAR *s) {
    size_t n = (wlen(s) + 1) * sizeof(WCHAR);
    WCHAR *dst = (WCHAR *)*cursor;
    if (s) memcpy(dst, s, n); else dst[0] = 0;
    *cursor += n;
    return s ? dst : NULL;
}

static void fill(void *entry, char **cursor, const session_t *s, DWORD level) {
    switch (level) {
    case 0: ((SESSION_INFO_0 *)entry)->cname = put_string(cursor, s->cname); break;
    case 1: { SESSION_INFO_1 *e = entry; e->cname = put_string(cursor, s->cname); e->username = put_string(cursor, s->username);
              e->num_opens = s->num_opens; e->time = s->time; e->idle_time = s->idle_time; e->user_flags = s->user_flags; break; }
    case 2: { SESSION_INFO_2 *e = entry; e->cname = put_string(cursor, s->cname); e->username = put_string(cursor, s->username);
              e->num_opens = s->num_opens; e->time = s->time; e->idle_time = s->idle_time; e->user_flags = s->user_flags;
              e->cltype_name = put_string(cursor, s->cltype); break; }
    case 10: { SESSION_INFO_10 *e = entry; e->cname = put_string(cursor, s->cname); e->username = put_string(cursor, s->username);
               e->time = s->time; e->idle_time = s->idle_time; break; }
    default: { SESSION_INFO_502 *e = entry; e->cname = put_string(cursor, s->cname); e->username = put_string(cursor, s->username);
               e->num_opens = s->num_opens; e->time = s->time; e->idle_time = s->idle_time; e->user_flags = s->user_flags;
               e->cltype_name = put_string(cursor, s->cltype); e->transport = put_string(cursor, s->transport); break; }
    }
}

static DWORD enum_impl(const WCHAR *client, const WCHAR *user, DWORD level, uint8_t **bufptr,
                       DWORD prefmaxlen, DWORD *entriesread, DWORD *totalentries, DWORD *resume);

/* One round of a hostile listing: per_round fresh entries (client \\10.a.b.c, user h<n>), a buffer
   even for zero entries when alloc_empty, and the resume handle the mode dictates. */
static DWORD hostile_round(DWORD level, uint8_t **bufptr, DWORD *entriesread, DWORD *totalentries, DWORD *resume) {
    /* A safety stop, so a util that follows a hostile server for ever fails its test with 8
       instead of eating the machine's memory (no R4 limit is anywhere near this). */
    if (hostile_rounds++ >= 20000 || hostile_served > 300000) return ERROR_NOT_ENOUGH_MEMORY;
    size_t ssize = struct_size(level), count = (size_t)hostile_per_round;
    session_t *gen = calloc(count ? count : 1, sizeof(session_t));
    size_t bytes = 0;
    WCHAR cl[] = {'W','i','n',0}, tr[] = {'T',0};
    for (size_t k = 0; k < count; k++) {
        char a[32], b[32];
        unsigned long n = hostile_served++;
        int la = snprintf(a, sizeof a, "\\\\10.%lu.%lu.%lu", (n >> 16) & 255, (n >> 8) & 255, n & 255);
        int lb = snprintf(b, sizeof b, "h%lu", n);
        gen[k].cname = calloc((size_t)la + 1, sizeof(WCHAR)); gen[k].username = calloc((size_t)lb + 1, sizeof(WCHAR));
        for (int i = 0; i < la; i++) gen[k].cname[i] = (WCHAR)a[i];
        for (int i = 0; i < lb; i++) gen[k].username[i] = (WCHAR)b[i];
        gen[k].cltype = cl; gen[k].transport = tr;
        bytes += ssize + strings_size(&gen[k], level);
    }
    if (count || hostile_alloc_empty) {
        uint8_t *buf = track_alloc(bytes);
        char *cursor = (char *)buf + ssize * count;
        for (size_t k = 0; k < count; k++) fill(buf + ssize * k, &cursor, &gen[k], level);
        *bufptr = buf;
    }
    for (size_t k = 0; k < count; k++) { free(gen[k].cname); free(gen[k].username); }
    free(gen);
    *entriesread = (DWORD)count;
    *totalentries = (DWORD)count + 1;
    if (resume) {
        if (hostile_handle == HANDLE_REPEAT) *resume = 7;
        else if (hostile_handle == HANDLE_ZERO) *resume = 0;
        else *resume = *resume + 1;
    }
    return hostile_status;
}

DWORD NetSessionEnum(const WCHAR *server, const WCHAR *client, const WCHAR *user, DWORD level, uint8_t **bufptr,
                     DWORD prefmaxlen, DWORD *entriesread, DWORD *totalentries, DWORD *resume) {
    logline_t l = log_begin("NetSessionEnum", server, client, user);
    log_num(&l, ", level=%lu", level);
    log_num(&l, ", prefmaxlen=0x%lX", prefmaxlen);
    if (resume) log_num(&l, ", resume=%lu", *resume); else log_ascii(&l, ", resume=NULL");
    DWORD status = enum_impl(client, user, level, bufptr, prefmaxlen, entriesread, totalentries, resume);
    log_num(&l, ", read=%lu", *entriesread);
    return log_end(&l, status);
}

static DWORD enum_impl(const WCHAR *client, const WCHAR *user, DWORD level, uint8_t **bufptr,
                       DWORD prefmaxlen, DWORD *entriesread, DWORD *totalentries, DWORD *resume) {
    *bufptr = NULL; *entriesread = 0; *totalentries = 0;
    wcopy_capped(last_client, client, 256);
    wcopy_capped(last_user, user, 256);
    if (injected(FN_ENUM)) return inject_status[FN_ENUM];
    int li = level_index(level);
    if (li < 0 || !(supported_levels_mask & (1 << li))) return ERROR_INVALID_LEVEL;
    if (denied_levels_mask & (1 << li)) return ERROR_ACCESS_DENIED;
    if (hostile_handle) return hostile_round(level, bufptr, entriesread, totalentries, resume);
    if (ignore_enum_filters) { client = NULL; user = NULL; }
    if (client && *client != '\\') return ERROR_INVALID_PARAMETER;   /* MS-SRVS: NULL or starts with \\ */

    size_t total = 0, any_client = 0;
    for (size_t i = 0; i < n_sessions; i++) {
        if (!sessions[i].deleted && client && weq(sessions[i].cname, client)) any_client++;
        if (matches(&sessions[i], client, user)) total++;
    }
    if (client && !any_client) return notfound_empty ? NERR_Success : NERR_ClientNameNotFound;
    if (user && !total) return notfound_empty ? NERR_Success : NERR_UserNotFound;

    /* the resume handle is the index (+1) of the next matching entry */
    size_t start = resume ? *resume : 0;
    size_t index = 0, first = n_sessions;
    size_t count = 0, bytes = 0, ssize = struct_size(level);
    for (size_t i = 0; i < n_sessions; i++) {
        if (!matches(&sessions[i], client, user)) continue;
        if (index++ < start) continue;
        size_t need = ssize + strings_size(&sessions[i], level);
        int fits = prefmaxlen == MAX_PREFERRED_LENGTH || bytes + need <= prefmaxlen;
        if (paging_mode == 2) fits = 0;
        if (!fits && !(count == 0 && paging_mode == 0)) break;   /* windows mode: at least one entry */
        if (first == n_sessions) first = i;
        count++; bytes += need;
    }
    *totalentries = (DWORD)total;
    int more = start + count < total;
    if (count == 0) {
        if (more) return more_status;   /* nothing fitted (modes 1 and 2) */
        if (resume) *resume = 0;
        return NERR_Success;
    }
    uint8_t *buf = track_alloc(bytes);
    char *cursor = (char *)buf + ssize * count;
    size_t k = 0;
    for (size_t i = first; i < n_sessions && k < count; i++) {
        if (!matches(&sessions[i], client, user)) continue;
        fill(buf + ssize * k, &cursor, &sessions[i], level);
        k++;
    }
    *bufptr = buf;
    *entriesread = (DWORD)count;
    if (resume) *resume = more ? (DWORD)(start + count) : 0;
    return more ? more_status : NERR_Success;
}

static DWORD del_impl(const WCHAR *client, const WCHAR *user);

DWORD NetSessionDel(const WCHAR *server, const WCHAR *client, const WCHAR *user) {
    logline_t l = log_begin("NetSessionDel", server, client, user);
    return log_end(&l, del_impl(client, user));
}

static DWORD del_impl(const WCHAR *client, const WCHAR *user) {
    wcopy_capped(last_client, client, 256);
    wcopy_capped(last_user, user, 256);
    if (injected(FN_DEL)) return inject_status[FN_DEL];
    if (!client && !user) { both_null_deletes++; return ERROR_INVALID_PARAMETER; }
    int any_client = 0, hit = 0;
    for (size_t i = 0; i < n_sessions; i++) {
        if (!sessions[i].deleted && client && weq(sessions[i].cname, client)) any_client = 1;
        if (matches(&sessions[i], client, user)) { sessions[i].deleted = 1; hit = 1; }
    }
    if (hit) return NERR_Success;
    if (samba_delete) return ERROR_ACCESS_DENIED;   /* Samba: nothing matched -> 5 */
    return (client && !any_client) ? NERR_ClientNameNotFound : NERR_UserNotFound;
}

DWORD NetApiBufferFree(void *p) {
    if (!p) return NERR_Success;
    for (size_t i = 0; i < n_live; i++) {
        if (live[i] == p) {
            live[i] = live[--n_live];
            if (n_freed < MAX_TRACKED) freed[n_freed++] = p;
            free(p);   /* note: a later malloc may reuse p; freed[] is cleared when it does */
            frees++;
            return NERR_Success;
        }
    }
    for (size_t i = 0; i < n_freed; i++)
        if (freed[i] == p) { double_frees++; return ERROR_INVALID_PARAMETER; }
    bad_frees++;
    return ERROR_INVALID_PARAMETER;
}

/* ------------------------------------------------------------------ test controls */
void standin_reset(void) {
    for (size_t i = 0; i < n_sessions; i++) {
        free(sessions[i].cname); free(sessions[i].username); free(sessions[i].cltype); free(sessions[i].transport);
    }
    n_sessions = 0;
    memset(calls, 0, sizeof calls);
    memset(inject_status, 0, sizeof inject_status);
    supported_levels_mask = -1;
    paging_mode = 0;
    both_null_deletes = 0;
    denied_levels_mask = 0;
    samba_delete = 0;
    ignore_enum_filters = 0;
    notfound_empty = 0;
    more_status = ERROR_MORE_DATA;
    hostile_handle = hostile_per_round = hostile_alloc_empty = 0;
    hostile_status = ERROR_MORE_DATA;
    hostile_served = hostile_rounds = 0;
    n_log = log_dropped = 0;
    double_frees = bad_frees = allocations = frees = 0;
    for (size_t i = 0; i < n_live; i++) free(live[i]);   /* each test counts only its own leaks */
    n_live = 0;
    n_freed = 0;
}

void standin_add_session(const WCHAR *cname, const WCHAR *user, DWORD num_opens, DWORD time, DWORD idle,
                         DWORD flags, const WCHAR *cltype, const WCHAR *transport) {
    if (n_sessions == cap_sessions) {
        cap_sessions = cap_sessions ? cap_sessions * 2 : 64;
        sessions = realloc(sessions, cap_sessions * sizeof(session_t));
    }
    session_t *s = &sessions[n_sessions++];
    s->cname = wdup(cname); s->username = wdup(user); s->cltype = wdup(cltype); s->transport = wdup(transport);
    s->num_opens = num_opens; s->time = time; s->idle_time = idle; s->user_flags = flags; s->deleted = 0;
}

/* n generated sessions: client \\10.a.b.c, user user<i>, for volume tests and the benchmark */
void standin_add_many(int n) {
    WCHAR cname[32], user[32], cl[] = {'W','i','n','d','o','w','s',0}, tr[] = {'\\','D','e','v','i','c','e',0};
    for (int i = 0; i < n; i++) {
        char a[32], b[32];
        int la = snprintf(a, sizeof a, "\\\\10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        int lb = snprintf(b, sizeof b, "user%d", i);
        for (int k = 0; k <= la; k++) cname[k] = (WCHAR)a[k];
        for (int k = 0; k <= lb; k++) user[k] = (WCHAR)b[k];
        standin_add_session(cname, user, (DWORD)(i % 7), (DWORD)(1000 + i), (DWORD)(i % 5000), 0, cl, tr);
    }
}

void standin_inject(int fn, DWORD status, int from_call, int times) {
    inject_status[fn] = status; inject_from[fn] = from_call; inject_times[fn] = times;
}
void standin_set_levels(int mask) { supported_levels_mask = mask; }
void standin_set_paging_mode(int mode) { paging_mode = mode; }
void standin_deny_levels(int mask) { denied_levels_mask = mask; }
void standin_set_samba_delete(int on) { samba_delete = on; }
void standin_ignore_enum_filters(int on) { ignore_enum_filters = on; }
void standin_set_notfound_empty(int on) { notfound_empty = on; }
void standin_set_more_status(DWORD status) { more_status = status; }
void standin_set_hostile(int handle_mode, int per_round, DWORD status, int alloc_empty) {
    hostile_handle = handle_mode; hostile_per_round = per_round; hostile_status = status; hostile_alloc_empty = alloc_empty;
}
int standin_log_count(void) { return n_log; }
int standin_log_dropped(void) { return log_dropped; }
const WCHAR *standin_log_entry(int i) { static const WCHAR none[] = {0}; return (i >= 0 && i < n_log) ? call_log[i] : none; }
void standin_log_clear(void) { n_log = log_dropped = 0; }
int standin_calls(int fn) { return calls[fn]; }
int standin_outstanding_buffers(void) { return (int)n_live; }
int standin_double_frees(void) { return double_frees; }
int standin_bad_frees(void) { return bad_frees; }
int standin_allocations(void) { return allocations; }
int standin_frees(void) { return frees; }
int standin_both_null_deletes(void) { return both_null_deletes; }
int standin_remaining_sessions(void) { int n = 0; for (size_t i = 0; i < n_sessions; i++) n += !sessions[i].deleted; return n; }
const WCHAR *standin_last_client(void) { return last_client; }
const WCHAR *standin_last_user(void) { return last_user; }

/* layout oracle: the C compiler's truth about the Win64 structs */
int standin_sizeof(int level) { return (int)struct_size((DWORD)level); }
int standin_offsetof(int level, int field) {
    static const int o1[] = { offsetof(SESSION_INFO_1, cname), offsetof(SESSION_INFO_1, username), offsetof(SESSION_INFO_1, num_opens),
                              offsetof(SESSION_INFO_1, time), offsetof(SESSION_INFO_1, idle_time), offsetof(SESSION_INFO_1, user_flags) };
    static const int o2[] = { offsetof(SESSION_INFO_2, cname), offsetof(SESSION_INFO_2, username), offsetof(SESSION_INFO_2, num_opens),
                              offsetof(SESSION_INFO_2, time), offsetof(SESSION_INFO_2, idle_time), offsetof(SESSION_INFO_2, user_flags),
                              offsetof(SESSION_INFO_2, cltype_name) };
    static const int o10[] = { offsetof(SESSION_INFO_10, cname), offsetof(SESSION_INFO_10, username),
                               offsetof(SESSION_INFO_10, time), offsetof(SESSION_INFO_10, idle_time) };
    static const int o502[] = { offsetof(SESSION_INFO_502, cname), offsetof(SESSION_INFO_502, username),
                                offsetof(SESSION_INFO_502, num_opens), offsetof(SESSION_INFO_502, time),
                                offsetof(SESSION_INFO_502, idle_time), offsetof(SESSION_INFO_502, user_flags),
                                offsetof(SESSION_INFO_502, cltype_name), offsetof(SESSION_INFO_502, transport) };
    switch (level) {
    case 0: return field == 0 ? 0 : -1;
    case 1: return field < 6 ? o1[field] : -1;
    case 2: return field < 7 ? o2[field] : -1;
    case 10: return field < 4 ? o10[field] : -1;
    case 502: return field < 8 ? o502[field] : -1;
    }
    return -1;
}
