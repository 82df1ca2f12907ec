// CSQLite: SQLite's C API (libsqlite3-dev); only the Store module imports it.
#pragma once
#include <sqlite3.h>
