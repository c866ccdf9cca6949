// Cairo and Pango (Debian libcairo2-dev, libpango1.0-dev), for the PDF documents.
#include <cairo/cairo.h>
#include <cairo/cairo-pdf.h>
#include <pango/pangocairo.h>
