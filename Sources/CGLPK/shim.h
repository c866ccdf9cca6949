// GNU Linear Programming Kit (Debian libglpk-dev), for slate planning.
#include <glpk.h>
