/*
 * The open-file and share calls of the stand-in netapi32 (NetFileEnum, NetFileGetInfo,
 * NetFileClose, NetShareGetInfo), compiled into the same library as netapi32_standin.c, whose
 * buffer accounting (standin_track_alloc / NetApiBufferFree) they use.
 *
 * Windows semantics (lmshare.h): levels 2 and 3 (124 for any other; Samba mode: 3 only),
 * one buffer holding the FILE_INFO_* array followed by its strings, ERROR_MORE_DATA paging
 * with a PDWORD_PTR resume handle, NERR_FileIdNotFound (2314) for an id that is not open,
 * NERR_NetNameNotFound (2310) for an unknown share. Win64 layouts: DWORD is uint32_t,
 * pointers are 8 bytes.
 *
 * The resume handle is pointer-sized: every handle this stand-in hands out has RESUME_TAG in
 * its upper 32 bits, and a non-zero handle without the tag is refused with 87. A caller that
 * declares the handle as a 32-bit int gives back only the low half (or garbage above it): its
 * second round fails, so a test catches the x64 stack-corruption trap on any runtime.
 *
 * Every call is logged with its arguments and answer (standin_file_log_*): what reaches
 * NetFileClose is what a user loses, so the tests assert it exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdio.h>

typedef uint16_t WCHAR;
typedef uint32_t DWORD;

#define NERR_Success 0
#define ERROR_INVALID_PARAMETER 87
#define ERROR_INVALID_LEVEL 124
#define ERROR_MORE_DATA 234
#define NERR_NetNameNotFound 2310
#define NERR_FileIdNotFound 2314
#define MAX_PREFERRED_LENGTH 0xFFFFFFFFu
#define RESUME_TAG 0x5A5A5A5A00000000ull

typedef struct { DWORD fi2_id; } FILE_INFO_2;
typedef struct { DWORD fi3_id; DWORD fi3_permissions; DWORD fi3_num_locks; WCHAR *fi3_pathname; WCHAR *fi3_username; } FILE_INFO_3;
typedef struct {
    WCHAR *shi2_netname; DWORD shi2_type; WCHAR *shi2_remark; DWORD shi2_permissions, shi2_max_uses, shi2_current_uses;
    WCHAR *shi2_path; WCHAR *shi2_passwd;
} SHARE_INFO_2;

void *standin_track_alloc(size_t size);   /* netapi32_standin.c: tracked, freed by NetApiBufferFree */

typedef struct { DWORD id, perms, locks; WCHAR *path, *user; int closed; } file_t;
typedef struct { WCHAR *name, *path; DWORD type; } share_t;

static file_t *files;
static size_t n_files, cap_files;
static share_t shares[64];
static size_t n_shares;

enum { F_ENUM, F_GETINFO, F_CLOSE, F_SHARE, F_COUNT };
static int fcalls[F_COUNT];
static DWORD finject_status[F_COUNT];
static int finject_from[F_COUNT], finject_times[F_COUNT];
static int samba_levels;            /* NetFileEnum / NetFileGetInfo serve level 3 only */
static int hostile_handle;          /* 1: fixed handle, 2: zero handle, with 234 and one entry */
static int reuse_on_getinfo;        /* NetFileGetInfo of reuse_id answers it with reuse_path/user (id reused) */
static DWORD reuse_id;
static WCHAR *reuse_path, *reuse_user;
static int vanish_on_getinfo;       /* the file vanish_id closes just before NetFileGetInfo sees it */
static DWORD vanish_id;
static int vanish_on_close;         /* the file vanish_close_id closes just before NetFileClose sees it */
static int empty_on_getinfo;        /* NetFileGetInfo of empty_id answers success without a buffer */
static DWORD empty_id;
static DWORD vanish_close_id;

#define FLOG_CAP 4096
#define FLOG_LINE 600
static WCHAR flog[FLOG_CAP][FLOG_LINE];
static int n_flog;

static size_t wlen(const WCHAR *s) { size_t n = 0; if (!s) return 0; while (s[n]) n++; return n; }
static WCHAR *wdup(const WCHAR *s) {
    if (!s) return NULL;
    size_t n = wlen(s);
    WCHAR *d = malloc((n + 1) * sizeof(WCHAR));
    memcpy(d, s, (n + 1) * sizeof(WCHAR));
    return d;
}
static WCHAR lower(WCHAR c) { return (c >= 'A' && c <= 'Z') ? (WCHAR)(c + 32) : c; }
static int weq(const WCHAR *a, const WCHAR *b) {
    if (!a || !b) return 0;
    while (*a && *b) { if (lower(*a) != lower(*b)) return 0; a++; b++; }
    return *a == *b;
}
static int wprefix(const WCHAR *s, const WCHAR *prefix) {
    if (!s) return 0;
    while (*prefix) { if (!*s || lower(*s) != lower(*prefix)) return 0; s++; prefix++; }
    return 1;
}

typedef struct { WCHAR *line; size_t n; } fline_t;
static void fa(fline_t *l, const char *s) { if (!l->line) return; while (*s && l->n < FLOG_LINE - 1) l->line[l->n++] = (WCHAR)*s++; }
static void fw(fline_t *l, const WCHAR *s) {
    if (!l->line) return;
    if (!s) { fa(l, "NULL"); return; }
    fa(l, "\"");
    while (*s && l->n < FLOG_LINE - 2) l->line[l->n++] = *s++;
    fa(l, "\"");
}
static void fn(fline_t *l, const char *fmt, unsigned long long v) { char b[48]; snprintf(b, sizeof b, fmt, v); fa(l, b); }
static fline_t fbegin(const char *name, const WCHAR *server) {
    fline_t l = { NULL, 0 };
    if (n_flog >= FLOG_CAP) return l;
    l.line = flog[n_flog];
    fa(&l, name); fa(&l, "(server="); fw(&l, server);
    return l;
}
static DWORD fend(fline_t *l, DWORD status) {
    if (!l->line) return status;
    fn(l, ") = %llu", status);
    l->line[l->n] = 0;
    n_flog++;
    return status;
}

static int finjected(int f) {
    int call = fcalls[f]++;
    return finject_status[f] && call >= finject_from[f] && (finject_times[f] < 0 || call < finject_from[f] + finject_times[f]);
}

static file_t *find_open(DWORD id) {
    for (size_t i = 0; i < n_files; i++) if (!files[i].closed && files[i].id == id) return &files[i];
    return NULL;
}

static size_t entry_size(DWORD level) { return level == 2 ? sizeof(FILE_INFO_2) : sizeof(FILE_INFO_3); }
static size_t strings_size(const WCHAR *path, const WCHAR *user, DWORD level) {
    return level == 2 ? 0 : (wlen(path) + 1) * 2 + (wlen(user) + 1) * 2;
}
/* A NULL string stays a NULL pointer, as a server may send it. */
static WCHAR *put(char **cursor, const WCHAR *s) {
    size_t n = (wlen(s) + 1) * sizeof(WCHAR);
    WCHAR *dst = (WCHAR *)*cursor;
    if (s) memcpy(dst, s, n); else dst[0] = 0;
    *cursor += n;
    return s ? dst : NULL;
}
static void fill(void *entry, char **cursor, DWORD id, DWORD perms, DWORD locks, const WCHAR *path, const WCHAR *user, DWORD level) {
    if (level == 2) { ((FILE_INFO_2 *)entry)->fi2_id = id; return; }
    FILE_INFO_3 *e = entry;
    e->fi3_id = id; e->fi3_permissions = perms; e->fi3_num_locks = locks;
    e->fi3_pathname = put(cursor, path); e->fi3_username = put(cursor, user);
}
static int level_ok(DWORD level) { return level == 3 || (level == 2 && !samba_levels); }
static int selected(const file_t *f, const WCHAR *basepath, const WCHAR *username) {
    if (f->closed) return 0;
    if (basepath && *basepath && !wprefix(f->path, basepath)) return 0;
    if (username && *username && !weq(f->user, username)) return 0;
    return 1;
}

static DWORD enum_impl(const WCHAR *basepath, const WCHAR *username, DWORD level, uint8_t **bufptr, DWORD prefmaxlen,
                       DWORD *read, DWORD *total, uint64_t *resume) {
    *bufptr = NULL; *read = 0; *total = 0;
    if (finjected(F_ENUM)) return finject_status[F_ENUM];
    if (!level_ok(level)) return ERROR_INVALID_LEVEL;
    uint64_t handle = resume ? *resume : 0;
    if (handle != 0 && (handle & 0xFFFFFFFF00000000ull) != RESUME_TAG) return ERROR_INVALID_PARAMETER;
    size_t start = (size_t)(handle & 0xFFFFFFFFu);
    if (hostile_handle) {
        if (n_files == 0) return ERROR_INVALID_PARAMETER;
        file_t *f = &files[0];
        uint8_t *buf = standin_track_alloc(entry_size(level) + strings_size(f->path, f->user, level));
        char *cursor = (char *)buf + entry_size(level);
        fill(buf, &cursor, f->id, f->perms, f->locks, f->path, f->user, level);
        *bufptr = buf; *read = 1; *total = 2;
        if (resume) *resume = hostile_handle == 1 ? (RESUME_TAG | 7) : 0;
        return ERROR_MORE_DATA;
    }
    size_t all = 0;
    for (size_t i = 0; i < n_files; i++) all += selected(&files[i], basepath, username);
    /* the resume handle is RESUME_TAG | the index of the next selected entry */
    size_t index = 0, count = 0, bytes = 0, first = n_files;
    for (size_t i = 0; i < n_files; i++) {
        if (!selected(&files[i], basepath, username)) continue;
        if (index++ < start) continue;
        size_t need = entry_size(level) + strings_size(files[i].path, files[i].user, level);
        if (count > 0 && prefmaxlen != MAX_PREFERRED_LENGTH && bytes + need > prefmaxlen) break;
        if (first == n_files) first = i;
        count++; bytes += need;
    }
    *total = (DWORD)all;
    int more = start + count < all;
    if (count == 0) { if (resume) *resume = 0; return NERR_Success; }
    uint8_t *buf = standin_track_alloc(bytes);
    char *cursor = (char *)buf + entry_size(level) * count;
    size_t k = 0;
    for (size_t i = first; i < n_files && k < count; i++) {
        if (!selected(&files[i], basepath, username)) continue;
        fill(buf + entry_size(level) * k, &cursor, files[i].id, files[i].perms, files[i].locks, files[i].path, files[i].user, level);
        k++;
    }
    *bufptr = buf; *read = (DWORD)count;
    if (resume) *resume = more ? (RESUME_TAG | (uint64_t)(start + count)) : 0;
    return more ? ERROR_MORE_DATA : NERR_Success;
}

DWORD NetFileEnum(const WCHAR *server, const WCHAR *basepath, const WCHAR *username, DWORD level, uint8_t **bufptr,
                  DWORD prefmaxlen, DWORD *read, DWORD *total, uint64_t *resume) {
    fline_t l = fbegin("NetFileEnum", server);
    fa(&l, ", basepath="); fw(&l, basepath); fa(&l, ", username="); fw(&l, username);
    fn(&l, ", level=%llu", level); fn(&l, ", prefmaxlen=0x%llX", prefmaxlen);
    if (resume) fn(&l, ", resume=0x%llX", *resume); else fa(&l, ", resume=NULL");
    DWORD status = enum_impl(basepath, username, level, bufptr, prefmaxlen, read, total, resume);
    fn(&l, ", read=%llu", *read);
    return fend(&l, status);
}

static DWORD getinfo_impl(DWORD id, DWORD level, uint8_t **bufptr) {
    *bufptr = NULL;
    if (finjected(F_GETINFO)) return finject_status[F_GETINFO];
    if (!level_ok(level)) return ERROR_INVALID_LEVEL;
    if (vanish_on_getinfo && id == vanish_id) { file_t *v = find_open(id); if (v) v->closed = 1; }
    file_t *f = find_open(id);
    if (!f) return NERR_FileIdNotFound;
    if (empty_on_getinfo && id == empty_id) return NERR_Success;
    const WCHAR *path = f->path, *user = f->user;
    if (reuse_on_getinfo && id == reuse_id) { path = reuse_path; user = reuse_user; }
    uint8_t *buf = standin_track_alloc(entry_size(level) + strings_size(path, user, level));
    char *cursor = (char *)buf + entry_size(level);
    fill(buf, &cursor, f->id, f->perms, f->locks, path, user, level);
    *bufptr = buf;
    return NERR_Success;
}

DWORD NetFileGetInfo(const WCHAR *server, DWORD id, DWORD level, uint8_t **bufptr) {
    fline_t l = fbegin("NetFileGetInfo", server);
    fn(&l, ", id=%llu", id); fn(&l, ", level=%llu", level);
    return fend(&l, getinfo_impl(id, level, bufptr));
}

static DWORD close_impl(DWORD id) {
    if (finjected(F_CLOSE)) return finject_status[F_CLOSE];
    if (vanish_on_close && id == vanish_close_id) { file_t *v = find_open(id); if (v) v->closed = 1; }
    file_t *f = find_open(id);
    if (!f) return NERR_FileIdNotFound;
    f->closed = 1;
    return NERR_Success;
}

DWORD NetFileClose(const WCHAR *server, DWORD id) {
    fline_t l = fbegin("NetFileClose", server);
    fn(&l, ", id=%llu", id);
    return fend(&l, close_impl(id));
}

static DWORD share_impl(const WCHAR *netname, DWORD level, uint8_t **bufptr) {
    *bufptr = NULL;
    if (finjected(F_SHARE)) return finject_status[F_SHARE];
    if (level != 2) return ERROR_INVALID_LEVEL;   /* this stand-in serves level 2 only */
    if (!netname || !*netname) return ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < n_shares; i++) {
        if (!weq(shares[i].name, netname)) continue;
        WCHAR remark[] = {'r', 0};
        size_t bytes = sizeof(SHARE_INFO_2) + (wlen(shares[i].name) + 1) * 2 + 4 + (wlen(shares[i].path) + 1) * 2;
        uint8_t *buf = standin_track_alloc(bytes);
        SHARE_INFO_2 *s = (SHARE_INFO_2 *)buf;
        char *cursor = (char *)buf + sizeof(SHARE_INFO_2);
        s->shi2_netname = put(&cursor, shares[i].name);
        s->shi2_type = shares[i].type;
        s->shi2_remark = put(&cursor, remark);
        s->shi2_permissions = 0; s->shi2_max_uses = 0xFFFFFFFFu; s->shi2_current_uses = 3;
        s->shi2_path = put(&cursor, shares[i].path);
        s->shi2_passwd = NULL;
        *bufptr = buf;
        return NERR_Success;
    }
    return NERR_NetNameNotFound;
}

DWORD NetShareGetInfo(const WCHAR *server, const WCHAR *netname, DWORD level, uint8_t **bufptr) {
    fline_t l = fbegin("NetShareGetInfo", server);
    fa(&l, ", netname="); fw(&l, netname); fn(&l, ", level=%llu", level);
    return fend(&l, share_impl(netname, level, bufptr));
}

/* ------------------------------------------------------------------ test controls */
void standin_files_reset(void) {
    for (size_t i = 0; i < n_files; i++) { free(files[i].path); free(files[i].user); }
    n_files = 0;
    for (size_t i = 0; i < n_shares; i++) { free(shares[i].name); free(shares[i].path); }
    n_shares = 0;
    memset(fcalls, 0, sizeof fcalls);
    memset(finject_status, 0, sizeof finject_status);
    samba_levels = hostile_handle = reuse_on_getinfo = vanish_on_getinfo = vanish_on_close = empty_on_getinfo = 0;
    free(reuse_path); free(reuse_user); reuse_path = reuse_user = NULL;
    n_flog = 0;
}
void standin_add_file(DWORD id, DWORD perms, DWORD locks, const WCHAR *path, const WCHAR *user) {
    if (n_files == cap_files) {
        cap_files = cap_files ? cap_files * 2 : 64;
        files = realloc(files, cap_files * sizeof(file_t));
    }
    file_t *f = &files[n_files++];
    f->id = id; f->perms = perms; f->locks = locks; f->path = wdup(path); f->user = wdup(user); f->closed = 0;
}
/* n generated files: id first+i, path C:\Data\f<i>.txt, user u<i % 7> */
void standin_add_many_files(int n, DWORD first) {
    WCHAR path[48], user[16];
    for (int i = 0; i < n; i++) {
        char a[48], b[16];
        int la = snprintf(a, sizeof a, "C:\\Data\\f%d.txt", i), lb = snprintf(b, sizeof b, "u%d", i % 7);
        for (int k = 0; k <= la; k++) path[k] = (WCHAR)a[k];
        for (int k = 0; k <= lb; k++) user[k] = (WCHAR)b[k];
        standin_add_file(first + (DWORD)i, 1, 0, path, user);
    }
}
void standin_add_share(const WCHAR *name, const WCHAR *path, DWORD type) {
    if (n_shares >= sizeof shares / sizeof shares[0]) return;
    shares[n_shares].name = wdup(name); shares[n_shares].path = wdup(path); shares[n_shares].type = type;
    n_shares++;
}
void standin_file_inject(int f, DWORD status, int from_call, int times) {
    finject_status[f] = status; finject_from[f] = from_call; finject_times[f] = times;
}
void standin_file_samba_levels(int on) { samba_levels = on; }
void standin_file_hostile(int mode) { hostile_handle = mode; }
void standin_file_reuse(DWORD id, const WCHAR *path, const WCHAR *user) {
    free(reuse_path); free(reuse_user);
    reuse_on_getinfo = 1; reuse_id = id; reuse_path = wdup(path); reuse_user = wdup(user);
}
void standin_file_vanish_before_getinfo(DWORD id) { vanish_on_getinfo = 1; vanish_id = id; }
void standin_file_vanish_before_close(DWORD id) { vanish_on_close = 1; vanish_close_id = id; }
void standin_file_getinfo_empty(DWORD id) { empty_on_getinfo = 1; empty_id = id; }
int standin_file_is_open(DWORD id) { return find_open(id) != NULL; }
int standin_file_calls(int f) { return fcalls[f]; }
int standin_file_log_count(void) { return n_flog; }
const WCHAR *standin_file_log_entry(int i) { static const WCHAR none[] = {0}; return (i >= 0 && i < n_flog) ? flog[i] : none; }
void standin_file_log_clear(void) { n_flog = 0; }

/* layout oracle: the C compiler's truth about the Win64 structs (level 2, 3; 1002 = SHARE_INFO_2) */
int standin_file_sizeof(int which) {
    return which == 2 ? (int)sizeof(FILE_INFO_2) : which == 3 ? (int)sizeof(FILE_INFO_3) : (int)sizeof(SHARE_INFO_2);
}
int standin_file_offsetof(int which, int field) {
    static const int o3[] = { offsetof(FILE_INFO_3, fi3_id), offsetof(FILE_INFO_3, fi3_permissions),
                              offsetof(FILE_INFO_3, fi3_num_locks), offsetof(FILE_INFO_3, fi3_pathname),
                              offsetof(FILE_INFO_3, fi3_username) };
    static const int os[] = { offsetof(SHARE_INFO_2, shi2_netname), offsetof(SHARE_INFO_2, shi2_type),
                              offsetof(SHARE_INFO_2, shi2_remark), offsetof(SHARE_INFO_2, shi2_permissions),
                              offsetof(SHARE_INFO_2, shi2_max_uses), offsetof(SHARE_INFO_2, shi2_current_uses),
                              offsetof(SHARE_INFO_2, shi2_path), offsetof(SHARE_INFO_2, shi2_passwd) };
    if (which == 2) return field == 0 ? 0 : -1;
    if (which == 3) return field < 5 ? o3[field] : -1;
    return field < 8 ? os[field] : -1;
}
