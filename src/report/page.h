// The report page: one self-contained HTML file (inline CSS, inline SVG, no scripts, no
// network) with the inputs, the headline table and every figure, in sections.
#pragma once
#include <string>

#include "report/document.h"

namespace ss::report {

std::string render_page(const Document& d);

}  // namespace ss::report
