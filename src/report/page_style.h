// The page's stylesheet (inline in index.html). Internal to src/report.
#pragma once

namespace ss::report {

inline constexpr const char* kPageCss = R"css(
:root { --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; --bg:#f7f8fa; --card:#fff;
        --good:#1e7f4f; --bad:#b42318; --accent:#e8743b; }
* { box-sizing:border-box; }
html { -webkit-text-size-adjust:100%; }
body { margin:0; background:var(--bg); color:var(--ink);
       font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif; }
main { max-width:1120px; margin:0 auto; padding:28px 20px 64px; }
header.top { margin-bottom:8px; }
.kicker { text-transform:uppercase; letter-spacing:.08em; font-size:12px; color:var(--accent); font-weight:650; margin:0; }
h1 { font-size:30px; line-height:1.2; margin:4px 0 6px; font-weight:700; letter-spacing:-.01em; }
h2 { font-size:21px; margin:40px 0 4px; font-weight:650; }
h2 + p.lead { margin-top:0; }
p.lead, .meta { color:var(--muted); }
.meta { font-size:14px; margin:0; }
nav.toc { display:flex; flex-wrap:wrap; gap:6px 14px; margin:14px 0 0; font-size:14px; }
nav.toc a { color:var(--muted); text-decoration:none; border-bottom:1px solid var(--line); }
nav.toc a:hover { color:var(--ink); border-color:var(--ink); }
.note { background:#fff8e6; border:1px solid #f3d48a; border-radius:8px; padding:10px 14px; margin:16px 0 0; font-size:14px; }
dl.inputs { display:grid; grid-template-columns:repeat(auto-fill,minmax(200px,1fr)); gap:10px; margin:12px 0 0; }
dl.inputs div { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
dl.inputs dt { font-size:12px; color:var(--muted); text-transform:uppercase; letter-spacing:.05em; }
dl.inputs dd { margin:2px 0 0; font-weight:600; overflow-wrap:anywhere; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(250px,1fr)); gap:12px; margin-top:12px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
.card h3 { margin:0 0 6px; font-size:15px; }
.card ul { list-style:none; margin:0; padding:0; font-size:14px; }
.card li { display:flex; justify-content:space-between; gap:8px; padding:2px 0; }
.table-wrap { overflow-x:auto; background:var(--card); border:1px solid var(--line); border-radius:10px; margin-top:12px; }
table { border-collapse:collapse; width:100%; font-size:14px; font-variant-numeric:tabular-nums; }
th, td { padding:7px 12px; text-align:right; border-bottom:1px solid var(--line); white-space:nowrap; }
th { white-space:normal; vertical-align:bottom; }  /* long style names wrap; numbers never do */
th:first-child, td:first-child { text-align:left; }
thead th { font-size:12px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); font-weight:600; }
tbody tr:last-child td { border-bottom:0; }
td.unit, th.unit { text-align:left; }
td.unit { color:var(--muted); }
.good { color:var(--good); font-weight:600; }
.bad { color:var(--bad); font-weight:600; }
.same { color:var(--muted); }
.grid { display:grid; grid-template-columns:repeat(auto-fill,minmax(300px,1fr)); gap:14px; margin-top:14px; }
figure.chart { margin:14px 0 0; background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 14px 10px; }
.grid figure.chart { margin:0; }
figure.chart h3 { margin:0 0 6px; font-size:15px; font-weight:650; }
figure.chart svg { display:block; max-width:100%; height:auto; margin:0 auto; }
figure.chart figcaption { color:var(--muted); font-size:13px; margin-top:6px; }
svg text { font-family:inherit; font-size:12px; fill:#323f4b; }
svg .tick, svg .small { font-size:11px; fill:#616e7c; }
svg .axis-title { font-size:12px; fill:#52606d; }
svg .annotation { font-size:11px; font-weight:650; fill:#323f4b; }
svg .group { font-size:12px; font-weight:650; }
svg .empty { fill:#616e7c; font-size:13px; }
svg .legend text { font-size:11px; }
svg line.grid { stroke:#eceff2; }
svg line.zero { stroke:#9aa5b1; }
svg line.bracket { stroke:#cbd2d9; }
svg line.reference { stroke:#52606d; stroke-dasharray:5 4; }
svg .reference-label { font-size:11px; fill:#52606d; }
svg line.tickmark { stroke:#7b8794; }
svg rect.outline { fill:none; stroke:#3e4c59; stroke-width:.8; }
svg path.line { stroke-width:2; stroke-linejoin:round; }
svg rect.bar:hover, svg rect.cell:hover, svg circle.point:hover { opacity:.75; }
footer { margin-top:48px; font-size:13px; color:var(--muted); border-top:1px solid var(--line); padding-top:12px; }
footer code { font-size:12px; }
@media (max-width:600px) { h1 { font-size:24px; } main { padding:18px 12px 40px; } th, td { padding:6px 8px; } }
)css";

}  // namespace ss::report
