/**
 * The script and style of index.html (page.ts embeds them, the page's
 * Content-Security-Policy allows exactly these two by hash).
 *
 * Plain browser JavaScript (ES2017, no modules, no library), kept as a string:
 * it never runs in Node. Rules it keeps:
 * - every text from the report (paths, code lines, messages) goes in through
 *   textContent / createTextNode, never innerHTML; attributes get only values
 *   we make (ids, numbers) or a docs link built from a rule id;
 * - lazy: the file list is virtual (only the rows in view exist), a file's
 *   diff is parsed and drawn when the file is opened, search text is built on
 *   the first search;
 * - nothing is fetched: no URL is ever loaded (the CSP forbids it anyway).
 * No backquote and no dollar-brace in here (it is a template literal), and no
 * closing script tag (a test checks).
 */

export const CLIENT_CSS = String.raw`
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--panel:#f6f8fa;--add:#dafbe1;--del:#ffebe9;--addw:#aceebb;--delw:#ffcecb;
--err:#b3261e;--warn:#8a5300;--info:#0b5cad;--manual:#6639ba;--unsafe:#a3470d;--change:#1a7f37;--focus:#0969da}
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
code,pre,.code,.cmd,.num{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
a{color:#0550ae}
button,select,input{font:inherit}
button{cursor:pointer;border:1px solid var(--line);background:var(--panel);border-radius:6px;padding:2px 10px;color:var(--fg)}
button[aria-pressed=true]{background:var(--fg);color:#fff;border-color:var(--fg)}
:focus-visible{outline:3px solid var(--focus);outline-offset:1px}
.app{display:flex;height:100vh}
.side{width:430px;min-width:320px;border-right:1px solid var(--line);display:flex;flex-direction:column;background:var(--panel)}
.side h1{font-size:16px;margin:0;padding:10px 12px 2px}
.side .sub{color:var(--muted);padding:0 12px 6px;font-size:12px}
.filters{display:grid;grid-template-columns:1fr 1fr;gap:6px;padding:6px 12px;border-top:1px solid var(--line)}
.filters label{display:flex;flex-direction:column;font-size:11px;color:var(--muted)}
.filters input,.filters select{font-size:13px;padding:3px 4px;border:1px solid var(--line);border-radius:5px;background:#fff;min-width:0}
.filters .wide{grid-column:1/3}
.listhead{display:flex;gap:4px;align-items:center;padding:4px 12px;border-top:1px solid var(--line);border-bottom:1px solid var(--line);font-size:12px;color:var(--muted)}
.listhead .count{margin-right:auto}
.listhead button{font-size:11px;padding:1px 6px}
.list{flex:1;overflow:auto;position:relative;background:#fff}
.list:focus-visible{outline-offset:-3px}
.inner{position:relative}
.row{position:absolute;left:0;right:0;height:46px;padding:4px 12px;border-bottom:1px solid #eaeef2;cursor:pointer;overflow:hidden}
.row:hover{background:#f3f6f9}
.row[aria-selected=true]{background:#ddf4ff;box-shadow:inset 4px 0 0 var(--focus)}
.row .p{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px}
.row .m{font-size:11.5px;color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.keys{padding:6px 12px;font-size:11.5px;color:var(--muted);border-top:1px solid var(--line)}
kbd{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:11px;border:1px solid var(--line);border-bottom-width:2px;border-radius:4px;padding:0 4px;background:#fff;color:var(--fg)}
.main{flex:1;overflow:auto;padding:14px 22px 40px}
.main h2{font-size:18px;margin:0 0 8px}
.main h3{font-size:14px;margin:18px 0 6px}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(128px,1fr));gap:8px;margin:0}
.stat{border:1px solid var(--line);border-radius:8px;padding:6px 10px;margin:0}
.stat dt{font-size:11.5px;color:var(--muted)}
.stat dd{margin:0;font-size:20px;font-weight:600}
.stat.bad dd{color:var(--err)}
.chart text{font-size:12px;fill:var(--fg)}
.chart .lbl{font-family:ui-monospace,"DejaVu Sans Mono",monospace}
.cmds{list-style:none;padding:0;margin:0}
.cmds li{margin:6px 0}
.cmdline{display:flex;gap:6px;align-items:center;margin-top:2px}
.cmd{background:#0d1117;color:#e6edf3;border-radius:6px;padding:4px 8px;white-space:pre;overflow:auto;max-width:100%}
.note{color:var(--muted);font-size:12px}
.problems li{margin:2px 0}
.lvl{font-weight:600;white-space:nowrap}
.lvl-error{color:var(--err)}.lvl-warning{color:var(--warn)}.lvl-info{color:var(--info)}.lvl-manual{color:var(--manual)}.lvl-unsafe{color:var(--unsafe)}.lvl-change{color:var(--change)}
.st-failed{color:var(--err);font-weight:600}.st-skipped{color:var(--warn);font-weight:600}
.fhead{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:8px}
.fhead h2{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:15px;word-break:break-all;margin:0;flex-basis:100%}
.fhead .tools{margin-left:auto;display:flex;gap:4px}
.diff{border-collapse:collapse;width:100%;table-layout:fixed;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px;border:1px solid var(--line)}
.diff td{padding:0 6px;vertical-align:top;white-space:pre-wrap;overflow-wrap:anywhere}
.diff td.n{text-align:right;color:var(--muted);user-select:none;background:var(--panel)}
.diff td.mk{text-align:center;user-select:none;font-weight:700}
.diff tr.add td.c,.diff tr.add td.mk,.diff td.add{background:var(--add)}
.diff tr.del td.c,.diff tr.del td.mk,.diff td.del{background:var(--del)}
.diff tr.hunk td{background:#ddf4ff;color:var(--muted);padding:2px 6px}
.diff tr.gap td{background:var(--panel);color:var(--muted);font-style:italic}
.diff col.col-n{width:48px}.diff col.col-mk{width:20px}
.diff td.empty{background:#f6f8fa}
.ann td{padding:4px 8px 6px 60px;background:#fff;white-space:normal;word-break:normal;font-family:system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;font-size:13px}
.ann .box{border:1px solid var(--line);border-left:5px solid var(--muted);border-radius:6px;padding:5px 9px;background:#fff}
.ann.k-error .box{border-left-color:var(--err)}.ann.k-warning .box{border-left-color:var(--warn)}.ann.k-info .box{border-left-color:var(--info)}
.ann.k-manual .box{border-left-color:var(--manual)}.ann.k-unsafe .box{border-left-color:var(--unsafe)}.ann.k-change .box{border-left-color:var(--change);background:#f6fef8;padding:1px 8px;font-size:12.5px}
.ann.k-change td{padding-top:2px;padding-bottom:2px}
.ann .box:focus{outline:3px solid var(--focus)}
.ann.cur .box{box-shadow:0 0 0 3px var(--focus)}
.ann .meta{font-size:12px;color:var(--muted)}
.ann .hint{margin-top:2px}
.ann .hint b{font-weight:600}
.empty-view{color:var(--muted);margin-top:40px;text-align:center}
.tok-k{color:#cf222e;font-weight:600}.tok-s{color:#0a3069}.tok-c{color:#57606a;font-style:italic}.tok-n{color:#0550ae}.tok-b{color:#8250df}.tok-f{color:#6639ba;font-weight:600}.tok-d{color:#953800}
.help{position:fixed;right:20px;top:20px;background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;box-shadow:0 8px 24px rgba(0,0,0,.2);max-width:440px;z-index:5}
.help table td{padding:2px 8px 2px 0;vertical-align:top}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

export const CLIENT_JS = String.raw`(function () {
'use strict';
var T0 = (window.performance && performance.now) ? performance.now() : 0;
var D = JSON.parse(document.getElementById('report-data').textContent);
var LEVELS = ['manual', 'unsafe', 'error', 'warning', 'info'];
var SYMBOL = { manual: '\u25c6', unsafe: '\u26a0', error: '\u2716', warning: '\u25b2', info: '\u2139', change: '\u270e' };
var STATUS_SYMBOL = { changed: '\u25cf', 'new': '+', failed: '\u2716', skipped: '\u2298', unchanged: '\u25cb', analysed: '\u25cb' };
var ROW = 46;

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function add(parent) { for (var i = 1; i < arguments.length; i++) { var c = arguments[i]; if (c === null || c === undefined) continue; parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } return parent; }
function plural(n, one, many) { return n + ' ' + (n === 1 ? one : (many || one + 's')); }
function levelOf(f) { return f.conversion || f.level; }
function label(level) { return (SYMBOL[level] || '') + ' ' + level; }
function lvlSpan(level) { return el('span', 'lvl lvl-' + level, label(level)); }

// ---- per-file indexes (one pass over the records) ----
var files = D.files.map(function (f, i) {
  return { i: i, f: f, changes: [], findings: [], passes: {}, rules: {}, levels: {}, text: null };
});
D.changes.forEach(function (c) { var x = files[c.file]; x.changes.push(c); x.passes[c.pass] = 1; x.rules[c.rule] = 1; });
D.findings.forEach(function (f) {
  var x = files[f.file]; x.findings.push(f); x.rules[f.rule] = 1; x.levels[f.level] = 1;
  if (f.conversion) x.levels[f.conversion] = 1;
  if (f.source !== 'analysis') x.passes[f.source] = 1;
});
function searchText(x) {
  if (x.text === null) {
    var parts = [x.f.path, x.f.reason || ''];
    x.changes.forEach(function (c) { parts.push(c.message, c.rule); });
    x.findings.forEach(function (f) { parts.push(f.message, f.rule, f.subject, f.hint); });
    x.text = parts.join('\n').toLowerCase();
  }
  return x.text;
}
function keysOf(prop) { var s = {}; files.forEach(function (x) { for (var k in x[prop]) s[k] = 1; }); return Object.keys(s).sort(); }

// ---- state ----
var state = { q: '', status: '', pass: '', level: '', rule: '', sort: 'path', dir: 1, view: 'unified', sel: -1, open: -1, cur: -1 };
var shown = [];
var ui = {};

function applyFilters() {
  var q = state.q.toLowerCase();
  shown = files.filter(function (x) {
    if (state.status && x.f.status !== state.status) return false;
    if (state.pass && !x.passes[state.pass]) return false;
    if (state.level && !x.levels[state.level]) return false;
    if (state.rule && !x.rules[state.rule]) return false;
    if (q && searchText(x).indexOf(q) === -1) return false;
    return true;
  });
  var key = state.sort, dir = state.dir;
  shown.sort(function (a, b) {
    var d = 0;
    if (key === 'changes') d = b.changes.length - a.changes.length;
    else if (key === 'findings') d = b.findings.length - a.findings.length;
    else if (key === 'status') d = a.f.status < b.f.status ? -1 : a.f.status > b.f.status ? 1 : 0;
    d *= dir;
    if (d === 0) d = (a.f.path < b.f.path ? -1 : a.f.path > b.f.path ? 1 : 0) * (key === 'path' ? dir : 1);
    return d;
  });
  state.sel = -1;
  for (var i = 0; i < shown.length; i++) if (shown[i].i === state.open) state.sel = i;
  ui.count.textContent = shown.length + ' of ' + plural(files.length, 'file');
  ui.inner.style.height = (shown.length * ROW) + 'px';
  ui.list.scrollTop = 0;
  renderRows();
  ['path', 'status', 'changes', 'findings'].forEach(function (k) {
    var b = ui.sortButtons[k];
    b.setAttribute('aria-pressed', String(state.sort === k));
    b.textContent = b.dataset.name + (state.sort === k ? (state.dir === 1 ? ' \u2193' : ' \u2191') : '');
  });
}

function rowSummary(x) {
  var parts = [(STATUS_SYMBOL[x.f.status] || '') + ' ' + x.f.status];
  if (x.changes.length) parts.push(plural(x.changes.length, 'change'));
  if (x.findings.length) {
    var by = {};
    x.findings.forEach(function (f) { var l = levelOf(f); by[l] = (by[l] || 0) + 1; });
    parts.push(LEVELS.filter(function (l) { return by[l]; }).map(function (l) { return SYMBOL[l] + ' ' + by[l] + ' ' + l; }).join(', '));
  }
  if (x.f.reason) parts.push(x.f.reason);
  return parts.join(' \u00b7 ');
}

function renderRows() {
  var top = ui.list.scrollTop, h = ui.list.clientHeight || 600;
  var first = Math.max(0, Math.floor(top / ROW) - 8), last = Math.min(shown.length, Math.ceil((top + h) / ROW) + 8);
  var frag = document.createDocumentFragment();
  for (var i = first; i < last; i++) {
    var x = shown[i];
    var r = el('div', 'row');
    r.setAttribute('role', 'option');
    r.id = 'row-' + x.i;
    r.dataset.index = String(i);
    r.setAttribute('aria-selected', String(i === state.sel));
    r.style.top = (i * ROW) + 'px';
    var p = el('div', 'p', x.f.path);
    p.title = x.f.path;
    var m = el('div', 'm', rowSummary(x));
    if (x.f.status === 'failed' || x.f.status === 'skipped') m.className += ' st-' + x.f.status;
    add(r, p, m);
    frag.appendChild(r);
  }
  ui.inner.textContent = '';
  ui.inner.appendChild(frag);
  if (state.sel >= 0 && shown[state.sel]) ui.list.setAttribute('aria-activedescendant', 'row-' + shown[state.sel].i);
  else ui.list.removeAttribute('aria-activedescendant');
}

function select(i) {
  if (!shown.length) return;
  i = Math.max(0, Math.min(shown.length - 1, i));
  state.sel = i;
  var top = i * ROW, lt = ui.list.scrollTop, h = ui.list.clientHeight;
  if (top < lt) ui.list.scrollTop = top;
  else if (top + ROW > lt + h) ui.list.scrollTop = top + ROW - h;
  openFile(shown[i].i, true);
  renderRows();
}

// ---- Python highlighting (per line; a triple-quoted string carries over) ----
var KW = {};
('False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case').split(' ').forEach(function (k) { KW[k] = 1; });
var BI = {};
('print len range int float str bool list dict set tuple object type isinstance getattr setattr hasattr super open min max sum any all zip map filter enumerate sorted reversed self cls Exception ValueError TypeError RuntimeError KeyError').split(' ').forEach(function (k) { BI[k] = 1; });
var RE_NUM = /^(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?)/;
var RE_ID = /^[A-Za-z_\u00c0-\uffff][\w\u00c0-\uffff]*/;
var RE_STR = /^([rRbBuUfF]{0,2})('''|"""|'|")/;
function tokenize(line, st) {
  var out = [], i = 0, n = line.length, plain = '', prevDef = false;
  function flush() { if (plain) { out.push([null, plain]); plain = ''; } }
  function push(cls, t) { flush(); out.push([cls, t]); }
  if (st) {
    var end = line.indexOf(st);
    if (end === -1) return { toks: [['s', line]], st: st };
    push('s', line.slice(0, end + 3)); i = end + 3; st = null;
  }
  while (i < n) {
    var rest = line.slice(i), ch = line[i], m;
    if (ch === '#') { push('c', rest); break; }
    if ((m = RE_STR.exec(rest)) && (m[1] === '' || !/[\w]/.test(line[i - 1] || ''))) {
      var q = m[2], j = i + m[0].length;
      if (q.length === 3) {
        var e = line.indexOf(q, j);
        if (e === -1) { push('s', rest); st = q; break; }
        push('s', line.slice(i, e + 3)); i = e + 3; continue;
      }
      while (j < n && line[j] !== q) j += line[j] === '\\' ? 2 : 1;
      push('s', line.slice(i, Math.min(n, j + 1))); i = j + 1; continue;
    }
    if (/[0-9.]/.test(ch) && !/[\w]/.test(line[i - 1] || '') && (m = RE_NUM.exec(rest)) && m[0] !== '.') { push('n', m[0]); i += m[0].length; continue; }
    if ((m = RE_ID.exec(rest))) {
      var w = m[0];
      if (prevDef) { push('f', w); prevDef = false; }
      else if (KW[w]) { push('k', w); prevDef = (w === 'def' || w === 'class'); }
      else if (BI[w]) push('b', w);
      else plain += w;
      i += w.length; continue;
    }
    if (ch === '@' && /^\s*$/.test(line.slice(0, i)) && (m = /^@[\w.]+/.exec(rest))) { push('d', m[0]); i += m[0].length; continue; }
    plain += ch; i++;
  }
  flush();
  return { toks: out, st: st };
}
function codeInto(td, text, side, hl) {
  var r = hl ? tokenize(text, side.st) : { toks: [[null, text]], st: null };
  side.st = r.st;
  for (var k = 0; k < r.toks.length; k++) {
    var t = r.toks[k];
    if (t[0]) td.appendChild(el('span', 'tok-' + t[0], t[1]));
    else td.appendChild(document.createTextNode(t[1]));
  }
  if (!text) td.appendChild(document.createTextNode('\u200b'));
}

// ---- diff parsing: hunks of segments (context lines, change blocks) ----
function parseDiff(text) {
  var lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  var hunks = [], h = null, isNew = false;
  for (var i = 0; i < lines.length; i++) {
    var l = lines[i];
    if (!h && l === '--- /dev/null') isNew = true;
    var m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/.exec(l);
    if (m) { h = { os: +m[1], ns: +m[3], head: l, segs: [] }; hunks.push(h); continue; }
    if (!h) continue;
    var c = l.charAt(0), body = l.slice(1).replace(/\r$/, '');
    var segs = h.segs, last = segs[segs.length - 1];
    if (c === ' ') segs.push({ ctx: body });
    else if (c === '-' || c === '+') {
      if (!last || last.ctx !== undefined || last.note) { last = { del: [], add: [] }; segs.push(last); }
      (c === '-' ? last.del : last.add).push(body);
    } else if (c === '\\') segs.push({ note: l });
  }
  return { hunks: hunks, isNew: isNew };
}

// ---- the file view ----
function docLink(rule) {
  var r = D.rules[rule];
  var a = el('a', 'rule', rule);
  if (r) { a.href = r.doc; a.title = (r.title ? r.title + ' \u2014 ' : '') + 'ascendify ' + r.doc; }
  return a;
}
function copyButton(text) {
  var b = el('button', 'copy', 'Copy');
  b.type = 'button';
  b.setAttribute('aria-label', 'Copy the command');
  b.addEventListener('click', function () {
    var done = function () { b.textContent = 'Copied'; setTimeout(function () { b.textContent = 'Copy'; }, 1500); };
    var fallback = function () {
      var ta = el('textarea'); ta.value = text; document.body.appendChild(ta); ta.select();
      try { document.execCommand('copy'); done(); } catch (e) { b.textContent = 'Select and copy'; }
      document.body.removeChild(ta);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  });
  return b;
}
function commandLine(cmd) { return add(el('div', 'cmdline'), el('code', 'cmd', cmd), copyButton(cmd)); }
function lines(a, b) { return a === b ? 'line ' + a : 'lines ' + a + '\u2013' + b; }

function annotationBox(item) {
  var box = el('div', 'box');
  box.tabIndex = -1;
  var head = el('div');
  if (item.kind === 'change') {
    var c = item.rec;
    add(head, lvlSpan('change'), ' ', el('span', 'op', c.op), ' \u00b7 ', docLink(c.rule), el('span', 'meta', ' \u00b7 ' + lines(c.start, c.end) + ' \u00b7 pass ' + c.pass + (c.safety !== 'safe' ? ' \u00b7 ' + c.safety : '')));
    add(head, ': ', el('span', 'msg', c.message));
    box.appendChild(head);
  } else {
    var f = item.rec, lv = levelOf(f);
    add(head, lvlSpan(lv), ' ', docLink(f.rule), el('span', 'meta', ' \u00b7 ' + lines(f.start, f.end) + (f.conversion ? ' \u00b7 level ' + f.level : '') + ' \u00b7 ' + (f.source === 'analysis' ? 'analysis' : 'pass ' + f.source)));
    add(box, head, el('div', 'msg', f.message));
    if (f.hint) add(box, add(el('div', 'hint'), el('b', null, 'Hint: '), f.hint));
    if (f.conversion === 'unsafe') add(box, add(el('div', 'note', 'Preview this pass\u2019s unsafe fixes (then re-run convert with --unsafe):')), commandLine('ascendify diff <src> --unsafe --only ' + f.source));
  }
  return box;
}

function annotationRow(item, cols) {
  var tr = el('tr', 'ann k-' + (item.kind === 'change' ? 'change' : levelOf(item.rec)));
  tr.dataset.line = String(item.rec.start);
  tr.dataset.kind = item.kind === 'change' ? 'change' : levelOf(item.rec);
  var td = el('td'); td.colSpan = cols;
  td.appendChild(annotationBox(item));
  tr.appendChild(td);
  return tr;
}

function renderFile(x) {
  var v = ui.view;
  v.textContent = '';
  var f = x.f;
  var head = el('div', 'fhead');
  var h2 = el('h2', null, f.path);
  h2.id = 'file-title';
  var status = el('span', 'st-' + f.status, (STATUS_SYMBOL[f.status] || '') + ' ' + f.status);
  add(head, h2, status, el('span', 'note', plural(x.changes.length, 'change') + ' \u00b7 ' + plural(x.findings.length, 'finding')));
  var tools = el('div', 'tools');
  var bu = el('button', null, 'Unified'), bs = el('button', null, 'Side by side');
  bu.type = bs.type = 'button';
  bu.setAttribute('aria-pressed', String(state.view === 'unified'));
  bs.setAttribute('aria-pressed', String(state.view === 'split'));
  bu.addEventListener('click', function () { setView('unified'); });
  bs.addEventListener('click', function () { setView('split'); });
  var bo = el('button', null, 'Overview'); bo.type = 'button';
  bo.addEventListener('click', showOverview);
  add(tools, bu, bs, bo);
  head.appendChild(tools);
  v.appendChild(head);
  if (f.reason) v.appendChild(add(el('p', 'st-' + f.status), (f.status === 'failed' ? 'Failed: ' : f.status === 'skipped' ? 'Skipped: ' : 'Note: ') + f.reason));
  D.notes.forEach(function (n) { if (n.file === f.path) v.appendChild(el('p', 'st-failed', n.level + (n.pass ? ' (' + n.pass + ')' : '') + ': ' + n.message)); });

  var items = x.changes.map(function (c) { return { kind: 'change', rec: c }; })
    .concat(x.findings.map(function (g) { return { kind: 'finding', rec: g }; }));
  items.sort(function (a, b) { return a.rec.start - b.rec.start || (a.kind === b.kind ? 0 : a.kind === 'change' ? -1 : 1); });
  var split = state.view === 'split';
  var cols = split ? 6 : 4;
  var table = el('table', 'diff' + (split ? ' split' : ''));
  table.setAttribute('aria-label', (split ? 'Side-by-side' : 'Unified') + ' diff of ' + f.path);
  var cg = el('colgroup');
  (split ? ['n', 'mk', 'c', 'n', 'mk', 'c'] : ['n', 'n', 'mk', 'c']).forEach(function (c) { cg.appendChild(el('col', 'col-' + c)); });
  table.appendChild(cg);
  var tb = el('tbody');
  var hl = /\.pyi?$/.test(f.path);
  var p = 0;
  function gapRow(text) { var tr = el('tr', 'gap'); var td = el('td', null, text); td.colSpan = cols; tr.appendChild(td); tb.appendChild(tr); }
  function emitUpTo(line) { while (p < items.length && items[p].rec.start <= line) tb.appendChild(annotationRow(items[p++], cols)); }
  function cell(tr, cls, text) { tr.appendChild(el('td', cls, text)); }
  function codeCell(tr, text, side, cls) { var td = el('td', 'c' + (cls ? ' ' + cls : '')); codeInto(td, text, side, hl); tr.appendChild(td); }
  var diff = f.diff ? parseDiff(f.diff) : null;
  if (diff && diff.isNew) emitUpTo(Infinity);
  if (diff) {
    diff.hunks.forEach(function (h) {
      if (p < items.length && items[p].rec.start < h.os) { gapRow('\u22ee lines not in the diff'); emitUpTo(h.os - 1); }
      var tr = el('tr', 'hunk'); var td = el('td', null, h.head); td.colSpan = cols; tr.appendChild(td); tb.appendChild(tr);
      var o = h.os, n = h.ns, oldSide = { st: null }, newSide = { st: null };
      h.segs.forEach(function (s) {
        var r;
        if (s.note) { gapRow(s.note); return; }
        if (s.ctx !== undefined) {
          r = el('tr', 'ctx');
          if (split) { cell(r, 'n', o); cell(r, 'mk', ''); codeCell(r, s.ctx, oldSide); cell(r, 'n', n); cell(r, 'mk', ''); codeCell(r, s.ctx, newSide); }
          else { cell(r, 'n', o); cell(r, 'n', n); cell(r, 'mk', ' '); codeCell(r, s.ctx, newSide); oldSide.st = newSide.st; }
          r.dataset.old = String(o);
          tb.appendChild(r); emitUpTo(o); o++; n++;
          return;
        }
        var k;
        if (split) {
          for (k = 0; k < Math.max(s.del.length, s.add.length); k++) {
            r = el('tr', 'chg');
            if (k < s.del.length) { cell(r, 'n', o + k); cell(r, 'mk del', '\u2212'); codeCell(r, s.del[k], oldSide, 'del'); r.dataset.old = String(o + k); }
            else { cell(r, 'n', ''); cell(r, 'mk empty', ''); cell(r, 'c empty', ''); }
            if (k < s.add.length) { cell(r, 'n', n + k); cell(r, 'mk add', '+'); codeCell(r, s.add[k], newSide, 'add'); }
            else { cell(r, 'n', ''); cell(r, 'mk empty', ''); cell(r, 'c empty', ''); }
            tb.appendChild(r);
          }
        } else {
          for (k = 0; k < s.del.length; k++) { r = el('tr', 'del'); cell(r, 'n', o + k); cell(r, 'n', ''); cell(r, 'mk', '\u2212'); codeCell(r, s.del[k], oldSide); r.dataset.old = String(o + k); tb.appendChild(r); }
          for (k = 0; k < s.add.length; k++) { r = el('tr', 'add'); cell(r, 'n', ''); cell(r, 'n', n + k); cell(r, 'mk', '+'); codeCell(r, s.add[k], newSide); tb.appendChild(r); }
        }
        o += s.del.length; n += s.add.length;
        if (s.del.length) emitUpTo(o - 1);
      });
    });
  }
  if (p < items.length) { if (diff) gapRow('\u22ee lines not in the diff'); else gapRow(f.diff === undefined && f.status !== 'changed' ? 'This file was not changed: its records, by line.' : 'Records, by line.'); emitUpTo(Infinity); }
  table.appendChild(tb);
  if (!tb.children.length) v.appendChild(el('p', 'note', 'Nothing recorded for this file.'));
  else v.appendChild(table);
  ui.anns = Array.prototype.slice.call(tb.querySelectorAll('tr.ann'));
  state.cur = -1;
}
function setView(v) { state.view = v; if (state.open >= 0) renderFile(files[state.open]); }

function openFile(i, fromList) {
  state.open = i;
  renderFile(files[i]);
  ui.main.scrollTop = 0;
  if (!fromList) {
    state.sel = -1;
    for (var k = 0; k < shown.length; k++) if (shown[k].i === i) state.sel = k;
    renderRows();
  }
  var want = '#file=' + encodeURIComponent(files[i].f.path);
  if (location.hash !== want) { try { history.replaceState(null, '', want); } catch (e) { /* some file:// setups refuse */ } }
}

function moveRecord(d) {
  var a = ui.anns || [];
  if (!a.length || state.open < 0) return;
  if (state.cur >= 0 && a[state.cur]) a[state.cur].classList.remove('cur');
  state.cur = state.cur < 0 ? (d > 0 ? 0 : a.length - 1) : Math.max(0, Math.min(a.length - 1, state.cur + d));
  var r = a[state.cur];
  r.classList.add('cur');
  var box = r.querySelector('.box');
  box.focus({ preventScroll: true });
  r.scrollIntoView({ block: 'center' });
}

// ---- the overview ----
function stat(key, title, value, bad) {
  var d = el('div', 'stat' + (bad ? ' bad' : ''));
  d.dataset.stat = key;
  add(d, el('dt', null, title), el('dd', null, value === null ? '\u2014' : value));
  return d;
}
function svg(tag, attrs, text) {
  var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (var k in attrs) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined) e.textContent = text;
  return e;
}
function chart(title, rows) {
  var max = 1, W = 640, L = 190, R = 60, H = 22;
  rows.forEach(function (r) { if (r[1] > max) max = r[1]; });
  var s = svg('svg', { 'class': 'chart', width: W, height: rows.length * H + 6, viewBox: '0 0 ' + W + ' ' + (rows.length * H + 6), role: 'img' });
  s.appendChild(svg('title', {}, title + ': ' + rows.map(function (r) { return r[0] + ' ' + r[1]; }).join(', ')));
  var fills = ['#0969da', '#1a7f37', '#8250df', '#bc4c00', '#cf222e', '#116329', '#9a6700', '#0550ae', '#6639ba'];
  rows.forEach(function (r, i) {
    var y = i * H + 3, w = Math.round((W - L - R) * r[1] / max);
    s.appendChild(svg('text', { x: L - 8, y: y + 14, 'text-anchor': 'end', 'class': 'lbl' }, r[0]));
    s.appendChild(svg('rect', { x: L, y: y + 2, width: Math.max(w, r[1] ? 2 : 0), height: H - 6, rx: 3, fill: r[2] || fills[i % fills.length] }));
    s.appendChild(svg('text', { x: L + w + 6, y: y + 14 }, String(r[1])));
  });
  return s;
}
function showOverview() {
  state.open = -1;
  if (location.hash) { try { history.replaceState(null, '', location.pathname + location.search); } catch (e) { /* ignore */ } }
  var o = D.overview, v = ui.view;
  v.textContent = '';
  state.sel = -1; renderRows();
  var h2 = el('h2', null, 'Overview');
  h2.id = 'overview-title';
  v.appendChild(h2);
  v.appendChild(el('p', 'note', D.mode === 'convert' ? 'What the conversion changed, and what it left for a person to do.' : 'Analysis only: nothing was converted; what a conversion would leave for a person to do.'));
  var stats = el('dl', 'stats');
  add(stats,
    stat('scanned', 'Python files scanned', o.scanned),
    stat('changed', 'changed', o.changed),
    stat('unchanged', 'unchanged', o.unchanged),
    stat('skipped', 'skipped', o.skipped, o.skipped > 0),
    stat('failed', 'failed', o.failed, o.failed > 0),
    o.otherAnalysed === null ? null : stat('other', 'other files analysed', o.otherAnalysed),
    stat('changes', 'changes applied', o.changes),
    stat('manual', SYMBOL.manual + ' manual', o.manual, o.manual > 0),
    stat('unsafe', SYMBOL.unsafe + ' unsafe (not applied)', o.unsafe, o.unsafe > 0),
    stat('error', SYMBOL.error + ' error findings', o.levels.error, o.levels.error > 0),
    stat('warning', SYMBOL.warning + ' warning findings', o.levels.warning),
    stat('info', SYMBOL.info + ' info findings', o.levels.info),
    stat('effort', 'estimated effort', o.minutes ? 'about ' + (Math.round(o.minutes / 30) / 2) + ' h' : '0 h'));
  v.appendChild(stats);
  v.appendChild(el('p', 'note', 'Effort: ' + o.minutes + ' minutes, from a fixed number of minutes per finding kind (summary.md states the model); an estimate, not a measurement. Findings include the manual records (level error) and unsafe records (level warning).'));
  if (o.byPass.length) {
    v.appendChild(el('h3', null, 'Changes per pass'));
    v.appendChild(chart('Changes per pass', o.byPass));
  }
  v.appendChild(el('h3', null, 'Left for a person, by level'));
  v.appendChild(chart('Left for a person', [['\u25c6 manual', o.manual, '#6639ba'], ['\u26a0 unsafe', o.unsafe, '#a3470d'], ['\u2716 error', o.levels.error, '#b3261e'], ['\u25b2 warning', o.levels.warning, '#8a5300'], ['\u2139 info', o.levels.info, '#0b5cad']]));
  if (D.commands.length) {
    v.appendChild(el('h3', null, 'Commands'));
    var ul = el('ul', 'cmds');
    D.commands.forEach(function (c) { ul.appendChild(add(el('li'), el('div', null, c.label), commandLine(c.command), el('div', 'note', c.note))); });
    v.appendChild(ul);
  }
  var problems = files.filter(function (x) { return x.f.status === 'failed' || x.f.status === 'skipped'; });
  if (problems.length || D.notes.length) {
    v.appendChild(el('h3', null, 'Failed and skipped files'));
    var pl = el('ul', 'problems');
    problems.slice(0, 50).forEach(function (x) {
      var a = el('a', null, x.f.path); a.href = '#file=' + encodeURIComponent(x.f.path);
      pl.appendChild(add(el('li'), el('span', 'st-' + x.f.status, (STATUS_SYMBOL[x.f.status] || '') + ' ' + x.f.status), ' ', a, ': ' + (x.f.reason || '')));
    });
    if (problems.length > 50) pl.appendChild(el('li', 'note', '\u2026 and ' + (problems.length - 50) + ' more: filter the list by status'));
    D.notes.forEach(function (n) { pl.appendChild(el('li', 'st-failed', n.level + ' ' + n.file + (n.pass ? ' (' + n.pass + ')' : '') + ': ' + n.message)); });
    v.appendChild(pl);
  }
  v.appendChild(el('p', 'note', 'Made by ' + D.tool + ' from the report files beside this page (changes.json, findings.json, changes.patch); rebuild it with: ascendify report <report folder>. Rule links point into ascendify\u2019s docs/ folder.'));
}

// ---- the shell ----
function select_(name, title, options) {
  var l = el('label', null, title);
  var s = el('select');
  s.name = name;
  add(s, el('option', null, 'all'));
  s.options[0].value = '';
  options.forEach(function (o) { var op = el('option', null, o[1]); op.value = o[0]; s.appendChild(op); });
  s.addEventListener('change', function () { state[name] = s.value; applyFilters(); });
  l.appendChild(s);
  return l;
}
function build() {
  var app = document.getElementById('app');
  var root = el('div', 'app');
  var side = el('nav', 'side'); side.setAttribute('aria-label', 'Files');
  add(side, el('h1', null, 'ascendify report: ' + D.name), el('div', 'sub', D.tool + ' \u00b7 ' + (D.mode === 'convert' ? 'convert' : 'analyze') + ' \u00b7 ' + plural(files.length, 'file') + ' with something to show'));
  var filters = el('div', 'filters');
  var ql = el('label', 'wide', 'Search (path, rule, message)');
  var q = el('input'); q.type = 'search'; q.id = 'search'; q.placeholder = 'e.g. train.py or nccl';
  var timer = 0;
  q.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { state.q = q.value; applyFilters(); }, 120); });
  ql.appendChild(q);
  var statuses = {}; files.forEach(function (x) { statuses[x.f.status] = 1; });
  add(filters, ql,
    select_('status', 'Status', Object.keys(statuses).sort().map(function (s) { return [s, (STATUS_SYMBOL[s] || '') + ' ' + s]; })),
    select_('pass', 'Pass', keysOf('passes').map(function (s) { return [s, s]; })),
    select_('level', 'Level', LEVELS.filter(function (l) { return files.some(function (x) { return x.levels[l]; }); }).map(function (l) { return [l, label(l)]; })),
    select_('rule', 'Rule', keysOf('rules').map(function (s) { return [s, s]; })));
  side.appendChild(filters);
  var lh = el('div', 'listhead');
  ui.count = el('span', 'count');
  ui.count.setAttribute('aria-live', 'polite');
  lh.appendChild(ui.count);
  ui.sortButtons = {};
  [['path', 'Path'], ['status', 'Status'], ['changes', 'Changes'], ['findings', 'Findings']].forEach(function (s) {
    var b = el('button', null, s[1]); b.type = 'button'; b.dataset.name = s[1]; b.dataset.sort = s[0];
    b.setAttribute('aria-label', 'Sort by ' + s[1].toLowerCase());
    b.addEventListener('click', function () { if (state.sort === s[0]) state.dir = -state.dir; else { state.sort = s[0]; state.dir = 1; } applyFilters(); });
    ui.sortButtons[s[0]] = b; lh.appendChild(b);
  });
  side.appendChild(lh);
  ui.list = el('div', 'list'); ui.list.id = 'file-list'; ui.list.tabIndex = 0;
  ui.list.setAttribute('role', 'listbox'); ui.list.setAttribute('aria-label', 'Files (j/k or \u2193/\u2191 to move)');
  ui.inner = el('div', 'inner');
  ui.list.appendChild(ui.inner);
  var raf = 0;
  ui.list.addEventListener('scroll', function () { if (!raf) raf = requestAnimationFrame(function () { raf = 0; renderRows(); }); });
  ui.list.addEventListener('click', function (e) { var r = e.target.closest ? e.target.closest('.row') : null; if (r) select(+r.dataset.index); });
  side.appendChild(ui.list);
  var keys = el('div', 'keys');
  keys.id = 'keys';
  add(keys, el('kbd', null, 'j'), '/', el('kbd', null, 'k'), ' or ', el('kbd', null, '\u2193'), '/', el('kbd', null, '\u2191'), ' next/previous file \u00b7 ',
    el('kbd', null, 'n'), '/', el('kbd', null, 'p'), ' or ', el('kbd', null, '\u2192'), '/', el('kbd', null, '\u2190'), ' next/previous record \u00b7 ',
    el('kbd', null, 'u'), ' unified/side by side \u00b7 ', el('kbd', null, '/'), ' search \u00b7 ', el('kbd', null, 'o'), ' overview \u00b7 ', el('kbd', null, '?'), ' help');
  side.appendChild(keys);
  ui.main = el('main', 'main');
  ui.main.id = 'main';
  ui.view = el('div'); ui.view.id = 'view';
  ui.main.appendChild(ui.view);
  add(root, side, ui.main);
  app.appendChild(root);
  document.title = 'ascendify report: ' + D.name;
}

function toggleHelp() {
  var h = document.getElementById('help');
  if (h) { h.parentNode.removeChild(h); return; }
  h = el('div', 'help'); h.id = 'help'; h.setAttribute('role', 'dialog'); h.setAttribute('aria-label', 'Keyboard');
  var t = el('table');
  [['j or \u2193', 'next file (in the list as filtered and sorted)'], ['k or \u2191', 'previous file'], ['n or \u2192', 'next record (change or finding) in the open file'], ['p or \u2190', 'previous record'],
   ['u', 'unified / side-by-side diff'], ['/', 'search'], ['o', 'overview'], ['Esc', 'leave the search, close this help'], ['?', 'this help']].forEach(function (r) {
    t.appendChild(add(el('tr'), add(el('td'), el('kbd', null, r[0])), el('td', null, r[1])));
  });
  add(h, el('strong', null, 'Keyboard'), t, el('p', 'note', 'Levels are written out with a symbol (\u25c6 manual, \u26a0 unsafe, \u2716 error, \u25b2 warning, \u2139 info, \u270e change); diff lines are marked \u2212 and +.'));
  document.body.appendChild(h);
}

document.addEventListener('keydown', function (e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  var t = e.target, typing = t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
  if (e.key === 'Escape') { var h = document.getElementById('help'); if (h) h.parentNode.removeChild(h); if (typing) t.blur(); return; }
  if (typing) return;
  var k = e.key, done = true;
  if (k === 'j' || k === 'ArrowDown') select(state.sel + 1);
  else if (k === 'k' || k === 'ArrowUp') select(state.sel < 0 ? 0 : state.sel - 1);
  else if (k === 'n' || k === 'ArrowRight') moveRecord(1);
  else if (k === 'p' || k === 'ArrowLeft') moveRecord(-1);
  else if (k === 'u') setView(state.view === 'unified' ? 'split' : 'unified');
  else if (k === '/') document.getElementById('search').focus();
  else if (k === 'o') showOverview();
  else if (k === '?') toggleHelp();
  else done = false;
  if (done) e.preventDefault();
});

function fromHash() {
  var m = /^#file=(.*)$/.exec(location.hash);
  if (!m) return false;
  var path;
  try { path = decodeURIComponent(m[1]); } catch (e) { return false; }
  for (var i = 0; i < files.length; i++) if (files[i].f.path === path) { if (state.open !== i) openFile(i, false); return true; }
  return false;
}
window.addEventListener('hashchange', fromHash);

build();
applyFilters();
if (!fromHash()) showOverview();
document.body.dataset.ready = 'true';
var now = performance.now ? performance.now() : 0;
document.body.dataset.renderMs = String(Math.round(now - T0));
document.body.dataset.readyMs = String(Math.round(now));
})();
`;
