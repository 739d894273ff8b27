// The parts of libxml2 SupportKit uses: the tree API, the HTML parser
// (HTML e-mail bodies) and the XML reader (XLIFF).
#include <libxml/tree.h>
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>
