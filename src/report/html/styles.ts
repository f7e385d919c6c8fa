/**
 * The report's only stylesheet, inlined: the file must read the same offline, attached to a CI run
 * or mailed to an instructor. Status is never shown by colour alone — every badge carries its word.
 * Colours are GitHub Primer's (readable on white, and distinct for the common colour-vision deficiencies
 * thanks to the words and symbols beside them).
 */
export const REPORT_CSS = `
:root {
  --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --panel: #f6f8fa;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9;
  --warn: #9a6700; --warn-bg: #fff8c5; --error: #8250df; --error-bg: #fbefff;
  --skip: #59636e; --skip-bg: #eff2f5; --unknown: #59636e; --unknown-bg: #eff2f5;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: var(--bg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; line-height: 1.25; }
h2 { font-size: 1.25rem; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
h3 { font-size: 1.05rem; margin: 0; line-height: 1.35; }
h4 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 12px 0 4px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: .88em; }
a { color: #0969da; }
.meta { color: var(--muted); margin: 0 0 16px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 16px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.headline { font-size: 1.15rem; font-weight: 600; padding: 10px 14px; border-radius: 6px; border-left: 6px solid; margin: 0 0 12px; }
.notice { padding: 8px 12px; border-radius: 6px; border-left: 4px solid; margin: 0 0 8px; overflow-wrap: anywhere; }
.bar { display: flex; height: 28px; border-radius: 6px; overflow: hidden; border: 1px solid var(--line); margin: 8px 0; }
.bar span { display: flex; align-items: center; justify-content: center; min-width: 28px; color: #fff; font-weight: 600; font-size: .85rem; }
.bar .s-pass { background: var(--pass); } .bar .s-fail { background: var(--fail); } .bar .s-warn { background: var(--warn); }
.bar .s-error { background: var(--error); } .bar .s-skip { background: #8c959f; }
.counts { list-style: none; padding: 0; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 6px 16px; }
.toc { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px 16px; }
.badge { display: inline-block; min-width: 4.6em; text-align: center; padding: 1px 8px; border-radius: 999px; font-weight: 700; font-size: .78rem; letter-spacing: .03em; border: 1px solid; white-space: nowrap; }
.st-pass { color: var(--pass); background: var(--pass-bg); border-color: var(--pass); }
.st-fail { color: var(--fail); background: var(--fail-bg); border-color: var(--fail); }
.st-warn { color: var(--warn); background: var(--warn-bg); border-color: var(--warn); }
.st-error { color: var(--error); background: var(--error-bg); border-color: var(--error); }
.st-skip, .st-unknown { color: var(--skip); background: var(--skip-bg); border-color: var(--skip); }
.check { border: 1px solid var(--line); border-left: 6px solid var(--skip); border-radius: 6px; padding: 12px 14px; margin: 0 0 12px; break-inside: avoid; page-break-inside: avoid; }
.check.c-pass { border-left-color: var(--pass); } .check.c-fail { border-left-color: var(--fail); }
.check.c-warn { border-left-color: var(--warn); } .check.c-error { border-left-color: var(--error); }
.check-head { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: baseline; }
.check-id { color: var(--muted); }
.tags { color: var(--muted); font-size: .85rem; margin: 4px 0 0; }
.summary { margin: 8px 0 0; }
.disagreement { margin: 8px 0 0; padding: 6px 10px; background: var(--warn-bg); border-radius: 4px; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 0 20px; }
.evidence { list-style: none; padding: 0; margin: 0; }
.evidence li { padding: 6px 0; border-top: 1px dashed var(--line); overflow-wrap: anywhere; }
.evidence li:first-child { border-top: 0; }
.evidence .badge { min-width: 0; margin-right: 6px; font-size: .7rem; }
.evidence .note { color: var(--muted); display: block; font-size: .88rem; }
.excerpt { display: block; white-space: pre-wrap; background: var(--panel); padding: 4px 6px; border-radius: 4px; margin-top: 4px; max-height: 12em; overflow: auto; }
.none { color: var(--muted); font-style: italic; }
.fix { margin: 10px 0 0; padding: 8px 10px; background: var(--panel); border-radius: 4px; }
table.grid { border-collapse: collapse; width: 100%; margin: 8px 0 0; }
table.grid th, table.grid td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
table.grid th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: .85rem; }
@media (max-width: 720px) {
  main { padding: 16px 10px 32px; }
  .sides { grid-template-columns: 1fr; }
  .facts { grid-template-columns: 1fr; }
  .facts dd { margin-bottom: 6px; }
  table.grid thead { display: none; }
  table.grid tr { display: block; border-bottom: 1px solid var(--line); padding: 6px 0; }
  table.grid td { display: block; border: 0; padding: 2px 0; }
  table.grid td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: .8rem; }
}
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .check, .headline, .notice, .badge, .bar span { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
`
