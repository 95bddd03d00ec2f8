package store

/*
// The SQLite functions below come from github.com/mattn/go-sqlite3, linked
// into the same binary; the object of this package alone leaves them
// unresolved (cgo links it on its own to find its dynamic imports).
#cgo linux LDFLAGS: -Wl,--unresolved-symbols=ignore-in-object-files
#include <math.h>
#include <stdlib.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef struct sqlite3_context sqlite3_context;
typedef struct sqlite3_value sqlite3_value;
typedef long long pb_int64;

int sqlite3_prepare_v2(sqlite3*, const char*, int, sqlite3_stmt**, const char**);
int sqlite3_bind_pointer(sqlite3_stmt*, int, void*, const char*, void(*)(void*));
int sqlite3_step(sqlite3_stmt*);
int sqlite3_finalize(sqlite3_stmt*);
int sqlite3_auto_extension(void(*)(void));
int sqlite3_busy_timeout(sqlite3*, int);
const char *sqlite3_errstr(int);
char *sqlite3_mprintf(const char*, ...);
void sqlite3_result_double(sqlite3_context*, double);
void sqlite3_result_error(sqlite3_context*, const char*, int);
void sqlite3_result_error_code(sqlite3_context*, int);
double sqlite3_value_double(sqlite3_value*);
pb_int64 sqlite3_value_int64(sqlite3_value*);
int sqlite3_value_type(sqlite3_value*);
const unsigned char *sqlite3_value_text(sqlite3_value*);
#define PB_SQLITE_TEXT 3

// The FTS5 extension interface, as SQLite documents it (fts5.h): only the
// members this file uses are called; their order is the ABI.
typedef struct Fts5Context Fts5Context;
typedef struct Fts5PhraseIter Fts5PhraseIter;
typedef struct Fts5ExtensionApi Fts5ExtensionApi;
struct Fts5ExtensionApi {
	int iVersion;
	void *(*xUserData)(Fts5Context*);
	int (*xColumnCount)(Fts5Context*);
	int (*xRowCount)(Fts5Context*, pb_int64*);
	int (*xColumnTotalSize)(Fts5Context*, int, pb_int64*);
	int (*xTokenize)(Fts5Context*, const char*, int, void*, int (*)(void*, int, const char*, int, int, int));
	int (*xPhraseCount)(Fts5Context*);
	int (*xPhraseSize)(Fts5Context*, int);
	int (*xInstCount)(Fts5Context*, int*);
	int (*xInst)(Fts5Context*, int, int*, int*, int*);
	pb_int64 (*xRowid)(Fts5Context*);
	int (*xColumnText)(Fts5Context*, int, const char**, int*);
	int (*xColumnSize)(Fts5Context*, int, int*);
};
typedef void (*pb_aux)(const Fts5ExtensionApi*, Fts5Context*, sqlite3_context*, int, sqlite3_value**);
typedef struct fts5_api fts5_api;
struct fts5_api {
	int iVersion;
	int (*xCreateTokenizer)(fts5_api*, const char*, void*, void*, void (*)(void*));
	int (*xFindTokenizer)(fts5_api*, const char*, void**, void*);
	int (*xCreateFunction)(fts5_api*, const char*, void*, pb_aux, void (*)(void*));
};

#define PB_MAX_PHRASES 512

// pbIDF is bm25()'s idf of a phrase in nHit of nRow rows.
static double pbIDF(pb_int64 nRow, pb_int64 nHit) {
	double idf = log((nRow - nHit + 0.5) / (nHit + 0.5));
	if (idf <= 0.0) idf = 1e-6;
	return idf;
}

// paperboy_bm25(table, w1..wN, hits1..hitsP): FTS5's bm25() with the
// column weights w and, instead of counting each phrase's matching rows
// again in every statement, the counts hits given by the caller. With the
// counts bm25() itself would find, it returns exactly what bm25() returns:
// the same formula, in the same order of operations. A negative count
// leaves its phrase out of the score (a phrase that only narrows which
// rows match). A count given as text, "n1,n2,...", is that of each term
// of a phrase of several terms: the phrase's idf is then the sum of the
// terms' idfs (store/terms.go).
static void pbBM25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nVal, sqlite3_value **apVal) {
	int nCol = api->xColumnCount(fts);
	int nPhrase = api->xPhraseCount(fts);
	if (nVal != nCol + nPhrase || nPhrase > PB_MAX_PHRASES) {
		sqlite3_result_error(ctx, "paperboy_bm25: want one weight per column and one count per phrase", -1);
		return;
	}
	pb_int64 nRow = 0, nToken = 0;
	int rc = api->xRowCount(fts, &nRow);
	if (rc == 0) rc = api->xColumnTotalSize(fts, -1, &nToken);
	if (rc != 0) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	if (nRow <= 0) nRow = 1;
	double avgdl = (double)nToken / (double)nRow;
	double freq[PB_MAX_PHRASES];
	for (int i = 0; i < nPhrase; i++) freq[i] = 0.0;
	int nInst = 0;
	rc = api->xInstCount(fts, &nInst);
	for (int i = 0; rc == 0 && i < nInst; i++) {
		int ip, ic, io;
		rc = api->xInst(fts, i, &ip, &ic, &io);
		if (rc == 0) freq[ip] += sqlite3_value_double(apVal[ic]);
	}
	int nTok = 0;
	if (rc == 0) rc = api->xColumnSize(fts, -1, &nTok);
	if (rc != 0) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	const double k1 = 1.2, b = 0.75;
	double D = (double)nTok, score = 0.0;
	for (int i = 0; i < nPhrase; i++) {
		sqlite3_value *v = apVal[nCol + i];
		double idf = 0.0;
		if (sqlite3_value_type(v) == PB_SQLITE_TEXT) {
			const unsigned char *z = sqlite3_value_text(v);
			while (z && *z) {
				pb_int64 n = 0;
				while (*z >= '0' && *z <= '9') n = n * 10 + (*z++ - '0');
				idf += pbIDF(nRow, n);
				if (*z == ',') z++;
				else break;
			}
		} else {
			pb_int64 nHit = sqlite3_value_int64(v);
			if (nHit < 0) continue;
			idf = pbIDF(nRow, nHit);
		}
		score += idf * ((freq[i] * (k1 + 1.0)) / (freq[i] + k1 * (1 - b + b * D / avgdl)));
	}
	sqlite3_result_double(ctx, -1.0 * score);
}

// pbRegister is an auto extension: it adds paperboy_bm25 to every new
// connection that has FTS5. Preparing a statement reads the schema, which
// another connection may hold locked (two processes creating a new file):
// it waits as the store's connections do (the driver sets the same busy
// timeout after this), and a lock still held then fails the open rather
// than leaving a connection without the function.
static int pbRegister(sqlite3 *db, char **errMsg, const void *thunk) {
	fts5_api *fts = 0;
	sqlite3_stmt *stmt = 0;
	sqlite3_busy_timeout(db, 10000);
	int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, 0);
	if (rc == 1) {
		return 0; // SQLITE_ERROR: no FTS5 in this build; store.Open reports it
	}
	if ((rc & 0xff) == 11 || (rc & 0xff) == 26) {
		// SQLITE_CORRUPT, SQLITE_NOTADB: the file is not a usable
		// database. The open's first statement fails with SQLite's own
		// words for it, which store.Open turns into advice; failing here
		// would report only "automatic extension loading failed".
		return 0;
	}
	if (rc == 0) {
		sqlite3_bind_pointer(stmt, 1, (void*)&fts, "fts5_api_ptr", 0);
		sqlite3_step(stmt);
		rc = sqlite3_finalize(stmt);
	}
	if (rc == 0 && fts != 0 && fts->iVersion >= 2) {
		rc = fts->xCreateFunction(fts, "paperboy_bm25", 0, pbBM25, 0);
	}
	if (rc != 0 && errMsg != 0) {
		*errMsg = sqlite3_mprintf("registering paperboy_bm25: %s", sqlite3_errstr(rc));
	}
	return rc;
}

static int pbAutoExtension(void) {
	return sqlite3_auto_extension((void(*)(void))pbRegister);
}
*/
import "C"

import (
	"fmt"

	// The SQLite library itself (and the database/sql driver).
	_ "github.com/mattn/go-sqlite3"
)

// registerErr is why paperboy_bm25 could not be registered for every new
// connection (nil when it was); Open returns it.
var registerErr error

func init() {
	if rc := C.pbAutoExtension(); rc != 0 {
		registerErr = fmt.Errorf("store: registering paperboy_bm25 with SQLite: error code %d", int(rc))
	}
}
