/*
 * NetConnectionEnum for the stand-in netapi32 (compiled into the same library as
 * netapi32_standin.c, whose NetApiBufferFree frees what this file allocates through
 * standin_track_alloc, so the buffer accounting covers both).
 *
 * Windows semantics (lmshare.h, MS-SRVS 3.1.4.1): qualifier = a share name lists the
 * connections to that share, coni1_netname = the client computer; qualifier = \\computer lists
 * that computer's connections, coni1_netname = the share. An unknown share answers
 * NERR_NetNameNotFound (2310), a NULL or empty qualifier ERROR_INVALID_PARAMETER (87), a level
 * other than 0 and 1 ERROR_INVALID_LEVEL (124). ERROR_MORE_DATA (234) with an LPDWORD resume
 * handle (the index of the next entry), at least one entry a round. Win64 layouts.
 *
 * Test controls (standin_conn_*): shares and connections, an injected status, hostile paging
 * (a repeated or zero resume handle, rounds without entries, endless rounds), a call log with
 * every argument and the answer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdio.h>

typedef uint16_t WCHAR;
typedef uint32_t DWORD;

#define NERR_Success 0
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_PARAMETER 87
#define ERROR_INVALID_LEVEL 124
#define ERROR_MORE_DATA 234
#define NERR_NetNameNotFound 2310
#define MAX_PREFERRED_LENGTH 0xFFFFFFFFu

typedef struct { DWORD id; } CONNECTION_INFO_0;
typedef struct { DWORD id, type, num_opens, num_users, time; WCHAR *username; WCHAR *netname; } CONNECTION_INFO_1;

void *standin_track_alloc(size_t size);   /* netapi32_standin.c */

typedef struct { WCHAR *share, *client, *user; DWORD num_opens, time; } conn_t;
#define MAX_SHARES 64
#define MAX_CONNS 4096
static WCHAR *shares[MAX_SHARES];
static int n_shares;
static conn_t conns[MAX_CONNS];
static int n_conns;
static DWORD inject;
static int inject_times;
static int hostile_mode, hostile_per_round, hostile_alloc_empty;   /* 1 repeat handle 7, 2 handle 0, 3 advance */
static unsigned long hostile_served, hostile_rounds;

#define LOG_CAP 1024
#define LOG_LINE 600
static WCHAR log_lines[LOG_CAP][LOG_LINE];
static int n_log;

static size_t wlen(const WCHAR *s) { size_t n = 0; if (!s) return 0; while (s[n]) n++; return n; }
static WCHAR *wdup(const WCHAR *s) {
    if (!s) return NULL;
    size_t n = wlen(s);
    WCHAR *d = malloc((n + 1) * sizeof(WCHAR));
    memcpy(d, s, (n + 1) * sizeof(WCHAR));
    return d;
}
static WCHAR lower(WCHAR c) { return (c >= 'A' && c <= 'Z') ? (WCHAR)(c + 32) : c; }
static const WCHAR *skip_slashes(const WCHAR *s) { while (s && *s == '\\') s++; return s; }
static int weq(const WCHAR *a, const WCHAR *b) {
    a = skip_slashes(a); b = skip_slashes(b);
    if (!a || !b) return 0;
    while (*a && *b) { if (lower(*a) != lower(*b)) return 0; a++; b++; }
    return *a == *b;
}

typedef struct { WCHAR *line; size_t n; } logline_t;
static void log_ascii(logline_t *l, const char *s) { if (!l->line) return; while (*s && l->n < LOG_LINE - 1) l->line[l->n++] = (WCHAR)*s++; }
static void log_wstr(logline_t *l, const WCHAR *s) {
    if (!l->line) return;
    if (!s) { log_ascii(l, "NULL"); return; }
    log_ascii(l, "\"");
    while (*s && l->n < LOG_LINE - 2) l->line[l->n++] = *s++;
    log_ascii(l, "\"");
}
static void log_num(logline_t *l, const char *fmt, unsigned long v) { char b[32]; snprintf(b, sizeof b, fmt, v); log_ascii(l, b); }

static int share_exists(const WCHAR *name) {
    for (int i = 0; i < n_shares; i++) if (weq(shares[i], name)) return 1;
    return 0;
}

/* The entries the qualifier selects, in order: by share, or by computer (\\name). */
static int selected(const conn_t *c, const WCHAR *qualifier, int by_computer) {
    return by_computer ? weq(c->client, qualifier) : weq(c->share, qualifier);
}

static WCHAR *put_string(char **cursor, const WCHAR *s) {
    if (!s) return NULL;
    size_t n = (wlen(s) + 1) * sizeof(WCHAR);
    WCHAR *dst = (WCHAR *)*cursor;
    memcpy(dst, s, n);
    *cursor += n;
    return dst;
}

static DWORD hostile_round(DWORD level, uint8_t **bufptr, DWORD *read, DWORD *total, DWORD *resume) {
    if (hostile_rounds++ >= 20000 || hostile_served > 300000) return ERROR_NOT_ENOUGH_MEMORY;
    size_t count = (size_t)hostile_per_round, ssize = level == 0 ? sizeof(CONNECTION_INFO_0) : sizeof(CONNECTION_INFO_1);
    static const WCHAR user[] = {'h', 0}, net[] = {'1', '0', '.', '0', '.', '0', '.', '1', 0};
    size_t bytes = ssize * count + (level == 1 ? count * sizeof user + count * sizeof net : 0);
    if (count || hostile_alloc_empty) {
        uint8_t *buf = standin_track_alloc(bytes);
        char *cursor = (char *)buf + ssize * count;
        for (size_t k = 0; k < count; k++) {
            if (level == 0) { ((CONNECTION_INFO_0 *)buf)[k].id = (DWORD)hostile_served++; continue; }
            CONNECTION_INFO_1 *e = (CONNECTION_INFO_1 *)buf + k;
            e->id = (DWORD)hostile_served++; e->type = 3; e->num_users = 1;
            e->username = put_string(&cursor, user); e->netname = put_string(&cursor, net);
        }
        *bufptr = buf;
    }
    *read = (DWORD)count;
    *total = (DWORD)count + 1;
    if (hostile_mode == 1) *resume = 7;
    else if (hostile_mode == 2) *resume = 0;
    else *resume = *resume + 1;
    return ERROR_MORE_DATA;
}

static DWORD conn_enum(const WCHAR *qualifier, DWORD level, uint8_t **bufptr, DWORD prefmaxlen, DWORD *read,
                       DWORD *total, DWORD *resume) {
    *bufptr = NULL; *read = 0; *total = 0;
    if (inject && inject_times != 0) { if (inject_times > 0) inject_times--; return inject; }
    if (level != 0 && level != 1) return ERROR_INVALID_LEVEL;
    if (!qualifier || !*qualifier) return ERROR_INVALID_PARAMETER;
    if (hostile_mode) return hostile_round(level, bufptr, read, total, resume);
    int by_computer = qualifier[0] == '\\' && qualifier[1] == '\\';
    if (!by_computer && !share_exists(qualifier)) return NERR_NetNameNotFound;

    size_t all = 0;
    for (int i = 0; i < n_conns; i++) all += selected(&conns[i], qualifier, by_computer);
    size_t start = resume ? *resume : 0, index = 0, count = 0, bytes = 0;
    size_t ssize = level == 0 ? sizeof(CONNECTION_INFO_0) : sizeof(CONNECTION_INFO_1);
    int first = -1;
    for (int i = 0; i < n_conns; i++) {
        if (!selected(&conns[i], qualifier, by_computer)) continue;
        if (index++ < start) continue;
        const WCHAR *net = by_computer ? conns[i].share : conns[i].client;
        size_t need = ssize + (level == 1 ? (wlen(conns[i].user) + 1 + wlen(net) + 1) * sizeof(WCHAR) : 0);
        if (count && prefmaxlen != MAX_PREFERRED_LENGTH && bytes + need > prefmaxlen) break;
        if (first < 0) first = i;
        count++; bytes += need;
    }
    *total = (DWORD)all;
    int more = start + count < all;
    if (count == 0) { if (resume) *resume = 0; return NERR_Success; }
    uint8_t *buf = standin_track_alloc(bytes);
    char *cursor = (char *)buf + ssize * count;
    size_t k = 0;
    for (int i = first; i < n_conns && k < count; i++) {
        if (!selected(&conns[i], qualifier, by_computer)) continue;
        if (level == 0) { ((CONNECTION_INFO_0 *)buf)[k++].id = (DWORD)(i + 1); continue; }
        CONNECTION_INFO_1 *e = (CONNECTION_INFO_1 *)buf + k++;
        e->id = (DWORD)(i + 1); e->type = 3; e->num_opens = conns[i].num_opens; e->num_users = 1; e->time = conns[i].time;
        e->username = put_string(&cursor, conns[i].user);
        e->netname = put_string(&cursor, by_computer ? conns[i].share : conns[i].client);
    }
    *bufptr = buf;
    *read = (DWORD)count;
    if (resume) *resume = more ? (DWORD)(start + count) : 0;
    return more ? ERROR_MORE_DATA : NERR_Success;
}

DWORD NetConnectionEnum(const WCHAR *server, const WCHAR *qualifier, DWORD level, uint8_t **bufptr, DWORD prefmaxlen,
                        DWORD *read, DWORD *total, DWORD *resume) {
    logline_t l = { NULL, 0 };
    if (n_log < LOG_CAP) l.line = log_lines[n_log];
    log_ascii(&l, "NetConnectionEnum(server="); log_wstr(&l, server);
    log_ascii(&l, ", qualifier="); log_wstr(&l, qualifier);
    log_num(&l, ", level=%lu", level);
    log_num(&l, ", prefmaxlen=0x%lX", prefmaxlen);
    if (resume) log_num(&l, ", resume=%lu", *resume); else log_ascii(&l, ", resume=NULL");
    DWORD status = conn_enum(qualifier, level, bufptr, prefmaxlen, read, total, resume);
    log_num(&l, ", read=%lu", *read);
    log_num(&l, ") = %lu", status);
    if (l.line) { l.line[l.n] = 0; n_log++; }
    return status;
}

/* ------------------------------------------------------------------ test controls */
void standin_conn_reset(void) {
    for (int i = 0; i < n_shares; i++) free(shares[i]);
    for (int i = 0; i < n_conns; i++) { free(conns[i].share); free(conns[i].client); free(conns[i].user); }
    n_shares = n_conns = 0;
    inject = 0; inject_times = 0;
    hostile_mode = hostile_per_round = hostile_alloc_empty = 0;
    hostile_served = hostile_rounds = 0;
    n_log = 0;
}
void standin_conn_add_share(const WCHAR *name) { if (n_shares < MAX_SHARES) shares[n_shares++] = wdup(name); }
/* a connection to share from client (NULL allowed) as user (NULL allowed); adds the share if new */
void standin_conn_add(const WCHAR *share, const WCHAR *client, const WCHAR *user, DWORD num_opens, DWORD time) {
    if (!share_exists(share)) standin_conn_add_share(share);
    if (n_conns >= MAX_CONNS) return;
    conn_t *c = &conns[n_conns++];
    c->share = wdup(share); c->client = wdup(client); c->user = wdup(user); c->num_opens = num_opens; c->time = time;
}
void standin_conn_inject(DWORD status, int times) { inject = status; inject_times = times; }
void standin_conn_set_hostile(int mode, int per_round, int alloc_empty) {
    hostile_mode = mode; hostile_per_round = per_round; hostile_alloc_empty = alloc_empty;
}
int standin_conn_log_count(void) { return n_log; }
const WCHAR *standin_conn_log_entry(int i) { static const WCHAR none[] = {0}; return (i >= 0 && i < n_log) ? log_lines[i] : none; }
int standin_conn_sizeof(int level) { return level == 0 ? (int)sizeof(CONNECTION_INFO_0) : (int)sizeof(CONNECTION_INFO_1); }
int standin_conn_offsetof(int field) {
    static const int o[] = { offsetof(CONNECTION_INFO_1, id), offsetof(CONNECTION_INFO_1, type),
                             offsetof(CONNECTION_INFO_1, num_opens), offsetof(CONNECTION_INFO_1, num_users),
                             offsetof(CONNECTION_INFO_1, time), offsetof(CONNECTION_INFO_1, username),
                             offsetof(CONNECTION_INFO_1, netname) };
    return field >= 0 && field < 7 ? o[field] : -1;
}
