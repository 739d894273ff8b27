// The parts of libxml2 SupportKit uses: the tree API, the HTML parser
// (HTML e-mail bodies) and the XML parser (XLIFF).
#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, and its encoding header then includes
// ICU's headers, which clash with the ICU copy inside Foundation. SupportKit
// never touches the ICU-specific struct fields, so leave them out.
#undef LIBXML_ICU_ENABLED
#include <libxml/tree.h>
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>
