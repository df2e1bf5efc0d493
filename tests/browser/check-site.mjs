#!/usr/bin/env node
// Page-verification suite for a statusgen build: checks a directory of static
// output the way a reader sees it, served under its base path by a local server.
//
//   node check-site.mjs SITE_DIR [--base-path /status/] [--shots DIR] [--name LABEL]
//        [--max-pages N] [--site-url URL] [--expect PAGE=SELECTOR]... [--no-default-expect]
//        [--allow-external] [--chromium PATH] [--jobs N]
//
// Prints one line per failure, then exactly `N passed, M failed`; exits 0 only
// when nothing failed. See README.md for what each check means.

import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

const require = createRequire(import.meta.url);

const USAGE = `usage: node check-site.mjs SITE_DIR [--base-path /status/] [--shots DIR] [--name LABEL]
       [--max-pages N] [--site-url URL] [--expect PAGE=SELECTOR]... [--no-default-expect]
       [--allow-external] [--chromium PATH] [--jobs N]`;

// Each expectation: on pages matching PAGE (site-relative path, `*` matches
// within one path segment, `**` across segments), SELECTOR must match a visible
// element with JavaScript disabled. The default is the index's status banner.
const DEFAULT_EXPECTATIONS = [
  { page: 'index.html', selector: '[data-status], [class*="status"]', what: 'status banner' },
];

const WIDTHS = [390, 1280];
const SCHEMES = ['light', 'dark'];
const AXE_TAGS = ['wcag2a', 'wcag2aa'];
const NAV_TIMEOUT_MS = 30_000;
const VNU_CHUNK = 400;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.xsl': 'application/xslt+xml; charset=utf-8',
  '.rss': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.webmanifest': 'application/manifest+json',
  '.pdf': 'application/pdf',
};

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = {
    site: null,
    basePath: '/',
    shots: null,
    name: 'site',
    maxPages: Infinity,
    jobs: Math.min(4, Math.max(1, os.availableParallelism())),
    siteUrl: null,
    expectations: [],
    defaultExpect: true,
    allowExternal: false,
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  };
  const value = (i) => {
    if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--base-path': opts.basePath = value(i); i++; break;
      case '--shots': opts.shots = value(i); i++; break;
      case '--name': opts.name = value(i); i++; break;
      case '--max-pages': {
        const n = Number(value(i)); i++;
        if (!Number.isInteger(n) || n < 1) throw new Error('--max-pages needs a positive integer');
        opts.maxPages = n;
        break;
      }
      case '--jobs': {
        const n = Number(value(i)); i++;
        if (!Number.isInteger(n) || n < 1) throw new Error('--jobs needs a positive integer');
        opts.jobs = n;
        break;
      }
      case '--site-url': opts.siteUrl = value(i); i++; break;
      case '--expect': {
        const v = value(i); i++;
        const eq = v.indexOf('=');
        if (eq <= 0) throw new Error('--expect needs PAGE=SELECTOR');
        opts.expectations.push({ page: v.slice(0, eq), selector: v.slice(eq + 1), what: 'element' });
        break;
      }
      case '--no-default-expect': opts.defaultExpect = false; break;
      case '--allow-external': opts.allowExternal = true; break;
      case '--chromium': opts.chromium = value(i); i++; break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default:
        if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
        if (opts.site) throw new Error(`unexpected argument ${a}`);
        opts.site = a;
    }
  }
  if (!opts.site) throw new Error('SITE_DIR is required');
  opts.site = path.resolve(opts.site);
  if (!existsSync(opts.site) || !statSync(opts.site).isDirectory()) {
    throw new Error(`${opts.site} is not a directory`);
  }
  opts.basePath = normaliseBasePath(opts.basePath);
  if (opts.siteUrl && !opts.siteUrl.endsWith('/')) opts.siteUrl += '/';
  if (opts.defaultExpect) opts.expectations = [...DEFAULT_EXPECTATIONS, ...opts.expectations];
  return opts;
}

function normaliseBasePath(p) {
  let b = p.trim();
  if (!b.startsWith('/')) b = '/' + b;
  if (!b.endsWith('/')) b += '/';
  return b.replace(/\/{2,}/g, '/');
}

// ---------------------------------------------------------------- results

class Results {
  // `out` null prints at once; a buffer holds lines until flushed, so passes
  // that run side by side still print in a fixed order.
  constructor(out = null) {
    this.passed = 0;
    this.failed = 0;
    this.out = out;
  }
  pass() { this.passed++; }
  fail(kind, where, message) {
    this.failed++;
    const line = `FAIL ${kind.padEnd(8)} ${where}: ${oneLine(message)}`;
    if (this.out) this.out.push(line);
    else console.log(line);
  }
  buffered() { return new Results([]); }
  absorb(other) {
    this.passed += other.passed;
    this.failed += other.failed;
    for (const line of other.out) {
      if (this.out) this.out.push(line);
      else console.log(line);
    }
  }
  // One check: passes once when it reported no failures.
  check(failures, kind, where) {
    if (failures.length === 0) this.pass();
    for (const f of failures) this.fail(kind, where, f);
  }
}

function oneLine(s) {
  return String(s).replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------- site files

function walk(dir, rel = '') {
  const out = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(dir, r));
    else if (entry.isFile()) out.push(r);
  }
  return out.sort();
}

// Site-relative file path -> the URL path a reader uses (directory URLs for index.html).
function urlPathFor(basePath, rel) {
  if (rel === 'index.html') return basePath;
  if (rel.endsWith('/index.html')) return basePath + encodePath(rel.slice(0, -'index.html'.length));
  return basePath + encodePath(rel);
}

function encodePath(rel) {
  return rel.split('/').map(encodeURIComponent).join('/');
}

// URL path under the base path -> site-relative file that would be served, or null.
function fileForUrlPath(siteDir, basePath, urlPath) {
  if (!urlPath.startsWith(basePath)) return null;
  let rel;
  try {
    rel = decodeURIComponent(urlPath.slice(basePath.length));
  } catch {
    return null;
  }
  const norm = path.posix.normalize('/' + rel).slice(1);
  if (norm.split('/').includes('..') || rel.includes('\0')) return null;
  const abs = path.join(siteDir, norm);
  if (!abs.startsWith(siteDir)) return null;
  let st;
  try {
    st = statSync(abs);
  } catch {
    return null;
  }
  if (st.isDirectory()) {
    const idx = norm === '' || norm.endsWith('/') ? `${norm}index.html` : `${norm}/index.html`;
    return existsSync(path.join(siteDir, idx)) ? idx : null;
  }
  return st.isFile() ? norm : null;
}

// Pages in the order they get checked when --max-pages limits the expensive
// passes: the index, then one page of each kind in turn, so a small limit still
// covers every template.
const KIND_ORDER = ['', 'incidents', 'uptime', 'reliability', 'history', 'components', 'maintenance'];

function orderPages(pages) {
  const groups = new Map();
  for (const p of pages) {
    const kind = p.includes('/') ? p.split('/')[0] : (p === 'index.html' ? '' : p);
    if (!groups.has(kind)) groups.set(kind, []);
    groups.get(kind).push(p);
  }
  const kinds = [...groups.keys()].sort((a, b) => {
    const ia = KIND_ORDER.indexOf(a);
    const ib = KIND_ORDER.indexOf(b);
    return (ia < 0 ? KIND_ORDER.length : ia) - (ib < 0 ? KIND_ORDER.length : ib) || a.localeCompare(b);
  });
  for (const k of kinds) {
    // Within a kind, a section's own index (history/index.html) before its items.
    groups.get(k).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  }
  const out = [];
  for (let round = 0; out.length < pages.length; round++) {
    for (const k of kinds) {
      const g = groups.get(k);
      if (round < g.length) out.push(g[round]);
    }
  }
  return out;
}

function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') { re += '.*'; i++; }
    else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

// ---------------------------------------------------------------- server

function startServer(siteDir, basePath) {
  const notFoundPage = path.join(siteDir, '404.html');
  const server = http.createServer((req, res) => {
    const send404 = (inSite) => {
      if (inSite && existsSync(notFoundPage)) {
        res.writeHead(404, { 'content-type': CONTENT_TYPES['.html'] });
        createReadStream(notFoundPage).pipe(res);
      } else {
        res.writeHead(404, { 'content-type': CONTENT_TYPES['.txt'] });
        res.end('not found\n');
      }
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    let urlPath;
    try {
      urlPath = new URL(req.url, 'http://x').pathname;
    } catch {
      send404(false);
      return;
    }
    // The base path without its slash is the site root, as on GitHub Pages.
    if (urlPath === basePath.slice(0, -1) && basePath !== '/') {
      res.writeHead(301, { location: basePath });
      res.end();
      return;
    }
    if (!urlPath.startsWith(basePath)) {
      send404(false);
      return;
    }
    const rel = fileForUrlPath(siteDir, basePath, urlPath);
    if (!rel) {
      send404(true);
      return;
    }
    // A directory asked for without its slash redirects, as static hosts do.
    if (rel.endsWith('index.html') && !urlPath.endsWith('/') && !urlPath.endsWith('index.html')) {
      res.writeHead(301, { location: urlPath + '/' });
      res.end();
      return;
    }
    const abs = path.join(siteDir, rel);
    const type = CONTENT_TYPES[path.extname(rel).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'content-length': statSync(abs).size, 'cache-control': 'no-store' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(abs).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------- HTML validity

function runVnu(siteDir, htmlFiles) {
  let jar;
  try {
    jar = String(require('vnu-jar'));
  } catch {
    return Promise.resolve({ error: 'vnu-jar is not installed (run scripts/install-test-deps.sh)' });
  }
  const java = process.env.JAVA || 'java';
  const chunks = [];
  for (let i = 0; i < htmlFiles.length; i += VNU_CHUNK) chunks.push(htmlFiles.slice(i, i + VNU_CHUNK));
  const runChunk = (files) => new Promise((resolve) => {
    const child = spawn(java, ['-jar', jar, '--errors-only', '--format', 'json', ...files.map((f) => path.join(siteDir, f))], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', (e) => resolve({ error: `cannot run ${java}: ${e.message}` }));
    child.on('close', () => {
      const start = out.indexOf('{');
      try {
        resolve({ messages: JSON.parse(out.slice(start)).messages || [] });
      } catch {
        resolve({ error: `unreadable vnu output: ${out.slice(0, 300)}` });
      }
    });
  });
  return chunks.reduce(async (acc, files) => {
    const prev = await acc;
    if (prev.error) return prev;
    const r = await runChunk(files);
    return r.error ? r : { messages: [...prev.messages, ...r.messages] };
  }, Promise.resolve({ messages: [] }));
}

function reportVnu(results, siteDir, htmlFiles, vnu) {
  if (vnu.error) {
    results.fail('html', '(all)', vnu.error);
    return;
  }
  const byFile = new Map(htmlFiles.map((f) => [f, []]));
  for (const m of vnu.messages) {
    if (m.type !== 'error' && m.type !== 'non-document-error') continue;
    let rel = '(unknown)';
    if (m.url) {
      const abs = m.url.startsWith('file:') ? decodeURIComponent(new URL(m.url).pathname) : m.url;
      rel = path.relative(siteDir, abs).split(path.sep).join('/');
    }
    if (!byFile.has(rel)) byFile.set(rel, []);
    const line = m.lastLine ?? m.firstLine;
    const col = m.firstColumn ?? m.lastColumn;
    byFile.get(rel).push({ at: line ? `${rel}:${line}${col ? `:${col}` : ''}` : rel, message: m.message });
  }
  for (const [rel, errs] of byFile) {
    if (errs.length === 0) results.pass();
    for (const e of errs) results.fail('html', e.at, e.message);
  }
}

// ---------------------------------------------------------------- browser

const LAUNCH_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Other hosts do not resolve, so nothing leaves the machine; such loads are
  // still seen (and reported) through the page's request events.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

// Watches one page load for console errors, failed requests and error
// responses, and for requests to other origins (which cannot resolve).
// Returns what it saw; call seen.stop() once the page is done.
function instrument(page, origin) {
  const seen = { console: [], requests: [], external: [] };
  const bad = new Set();
  let leaving = false;
  const handlers = {
    console: (msg) => {
      if (msg.type() !== 'error') return;
      // Failed loads are reported from the network side, with their URL.
      if (/^Failed to load resource/.test(msg.text())) return;
      seen.console.push(msg.text());
    },
    pageerror: (err) => seen.console.push(`uncaught: ${err.message}`),
    request: (req) => {
      const url = req.url();
      if (url.startsWith(origin + '/') || /^(data|blob|about):/.test(url)) return;
      seen.external.push(`loads ${url} from another origin (blocked; a status page must stand alone)`);
    },
    response: (resp) => {
      const req = resp.request();
      if (req.isNavigationRequest() && req.frame() === page.mainFrame()) return;
      if (resp.status() >= 400) {
        bad.add(resp.url());
        seen.requests.push(`${resp.status()} ${req.method()} ${new URL(resp.url()).pathname} (${req.resourceType()})`);
      }
    },
    requestfailed: (req) => {
      // An error response is reported once, not again as the aborted load it causes.
      if (!req.url().startsWith(origin + '/') || bad.has(req.url())) return;
      // Late loads such as the favicon are cut short by leaving the page: not a fault.
      if (leaving && req.failure()?.errorText === 'net::ERR_ABORTED') return;
      seen.requests.push(`${req.method()} ${new URL(req.url()).pathname} failed: ${req.failure()?.errorText ?? 'unknown'}`);
    },
  };
  for (const [ev, fn] of Object.entries(handlers)) page.on(ev, fn);
  // Leaving the page first: Chromium may still fetch for a page as it unloads
  // (a broken image is requested again), which belongs to this page.
  seen.stop = async () => {
    leaving = true;
    await page.goto('about:blank').catch(() => {});
    for (const [ev, fn] of Object.entries(handlers)) page.off(ev, fn);
  };
  return seen;
}

async function newContext(browser, origin, contextOpts) {
  return browser.newContext({ bypassCSP: true, ...contextOpts });
}

async function loadPage(page, url) {
  const resp = await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
  return resp;
}

// ---------------------------------------------------------------- main

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`check-site: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  const results = new Results();
  const started = Date.now();
  const log = (m) => process.stderr.write(`check-site: ${m}\n`);

  const files = walk(opts.site);
  const fileSet = new Set(files);
  const htmlFiles = files.filter((f) => /\.html?$/i.test(f));
  const xmlFiles = files.filter((f) => /\.xml$/i.test(f));
  const pages = orderPages(htmlFiles);
  const fullPages = pages.slice(0, opts.maxPages);
  if (htmlFiles.length === 0) {
    results.fail('site', opts.site, 'no HTML files');
    finish(results);
    return;
  }
  log(`${htmlFiles.length} HTML pages (${fullPages.length} in full in 2 schemes x 2 widths), base path ${opts.basePath}`);

  // The validator runs on the JVM beside the browser passes.
  const vnuPromise = runVnu(opts.site, htmlFiles);

  const server = await startServer(opts.site, opts.basePath);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const pageUrl = (rel) => origin + urlPathFor(opts.basePath, rel);

  let browser;
  try {
    const { chromium } = await import('playwright-core');
    try {
      browser = await chromium.launch({ executablePath: opts.chromium, args: LAUNCH_ARGS });
    } catch (e) {
      results.fail('setup', opts.chromium, `cannot launch Chromium: ${e.message.split('\n')[0]}`);
    }
    if (browser) {
      let t = Date.now();
      const lap = (what) => {
        log(`${what} in ${((Date.now() - t) / 1000).toFixed(1)}s`);
        t = Date.now();
      };
      const pageInfo = await noJsPass(browser, results, opts, origin, pages, pageUrl);
      checkLinks(results, opts, origin, pages, pageInfo, fileSet);
      await notFoundCheck(browser, results, opts, origin, fileSet);
      await xmlCheck(browser, results, opts, origin, xmlFiles, fileSet);
      lap(`no-JS, link, 404 and XML checks of ${pages.length} pages`);
      await fullPass(browser, results, opts, origin, fullPages, pageUrl);
      lap(`axe on ${fullPages.length} pages x 4`);
      if (opts.shots) {
        await screenshots(browser, results, opts, origin, pages, pageUrl);
        lap('screenshots');
      }
    }
  } catch (e) {
    results.fail('setup', '(harness)', e.stack || e.message);
  } finally {
    if (browser) await browser.close().catch(() => {});
    server.close();
  }
  const vnuStarted = Date.now();
  reportVnu(results, opts.site, htmlFiles, await vnuPromise);
  if (Date.now() - vnuStarted > 500) log(`waited ${((Date.now() - vnuStarted) / 1000).toFixed(1)}s more for the HTML checker`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  finish(results);
}

function finish(results) {
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exitCode = results.failed === 0 ? 0 : 1;
}

// Every page with JavaScript off: it loads, `main` shows real content (not
// only <noscript> text), the page's expectations hold, nothing it loads fails.
// Also gathers each page's links and ids for the link check.
async function noJsPass(browser, results, opts, origin, pages, pageUrl) {
  const context = await newContext(browser, origin, { javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const info = new Map();
  const expectations = opts.expectations.map((e) => ({ ...e, re: globToRegExp(e.page) }));
  for (const rel of pages) {
    const seen = instrument(page, origin);
    const failures = [];
    let resp;
    try {
      resp = await loadPage(page, pageUrl(rel));
    } catch (e) {
      results.fail('nojs', rel, `does not load: ${e.message.split('\n')[0]}`);
      await seen.stop();
      continue;
    }
    const status = resp ? resp.status() : 0;
    if (status !== 200) failures.push(`served with status ${status}`);
    const facts = await page.evaluate(() => {
      const visible = (el) => {
        if (!el) return false;
        const r = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
      };
      const mains = [...document.querySelectorAll('main')];
      const main = mains.find(visible) || mains[0] || null;
      let text = '';
      if (main) {
        const clone = main.cloneNode(true);
        clone.querySelectorAll('noscript, template, script, style').forEach((n) => n.remove());
        text = clone.textContent.replace(/\s+/g, ' ').trim();
      }
      const links = [...document.querySelectorAll('a[href], area[href], link[href]')]
        .filter((el) => !(el.tagName === 'LINK' && /\b(preconnect|dns-prefetch)\b/i.test(el.rel)))
        .map((el) => ({ tag: el.tagName.toLowerCase(), href: el.getAttribute('href'), abs: el.href }));
      const ids = [...document.querySelectorAll('[id]')].map((el) => el.id)
        .concat([...document.querySelectorAll('a[name]')].map((el) => el.getAttribute('name')));
      return {
        mainCount: mains.length,
        mainVisible: visible(main),
        mainText: text.length,
        links,
        ids,
      };
    });
    info.set(rel, { links: facts.links, ids: new Set(facts.ids) });
    if (facts.mainCount === 0) failures.push('no <main> element');
    else if (!facts.mainVisible) failures.push('<main> is not visible without JavaScript');
    else if (facts.mainText === 0) failures.push('<main> has no text without JavaScript (outside <noscript>)');
    const mine = expectations.filter((e) => e.re.test(rel));
    const expectedResults = await page.evaluate((sels) => sels.map((s) => {
      try {
        return [...document.querySelectorAll(s)].some((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
        });
      } catch {
        return null;
      }
    }), mine.map((e) => e.selector));
    mine.forEach((e, i) => {
      if (expectedResults[i] === null) failures.push(`invalid selector ${e.selector}`);
      else if (!expectedResults[i]) failures.push(`no visible ${e.what} matches ${e.selector}`);
    });
    results.check(failures, 'nojs', rel);
    await seen.stop();
    reportLoad(results, rel, 'no-js', seen, opts);
  }
  await context.close();
  return info;
}

function reportLoad(results, rel, label, seen, opts) {
  const where = `${rel} [${label}]`;
  const uniq = (xs) => [...new Set(xs)];
  results.check(uniq(seen.console), 'console', where);
  results.check(uniq(seen.requests), 'request', where);
  if (!opts.allowExternal) results.check(uniq(seen.external), 'external', where);
}

// Internal links resolve to a file of the site; fragments to an id on the target.
function checkLinks(results, opts, origin, pages, info, fileSet) {
  const idsCache = new Map();
  const idsOf = (rel) => {
    if (info.has(rel)) return info.get(rel).ids;
    if (!idsCache.has(rel)) {
      // A target page that was not loaded (not HTML, or not visited): scan its source.
      const src = readFileSync(path.join(opts.site, rel), 'utf8');
      idsCache.set(rel, new Set([...src.matchAll(/\s(?:id|name)\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1])));
    }
    return idsCache.get(rel);
  };
  for (const rel of pages) {
    const failures = [];
    const checked = new Set();
    for (const link of info.get(rel)?.links ?? []) {
      const raw = link.href.trim();
      if (raw === '' || /^(mailto|tel|javascript|data|sms|geo):/i.test(raw)) continue;
      let url;
      try {
        url = new URL(link.abs);
      } catch {
        failures.push(`<${link.tag} href="${raw}"> is not a valid URL`);
        continue;
      }
      let urlPath;
      if (url.origin === origin) {
        urlPath = url.pathname;
      } else if (opts.siteUrl && url.href.startsWith(opts.siteUrl)) {
        // The site's own public address: check it like a local link.
        urlPath = opts.basePath + url.pathname.slice(new URL(opts.siteUrl).pathname.length);
      } else {
        continue; // external: never fetched
      }
      const key = urlPath + url.hash;
      if (checked.has(key)) continue;
      checked.add(key);
      if (!urlPath.startsWith(opts.basePath)) {
        failures.push(`<${link.tag} href="${raw}"> leaves the base path ${opts.basePath}`);
        continue;
      }
      const target = fileForUrlPath(opts.site, opts.basePath, urlPath);
      if (!target || !fileSet.has(target)) {
        failures.push(`<${link.tag} href="${raw}"> is broken: nothing at ${urlPath}`);
        continue;
      }
      const frag = url.hash ? decodeURIComponent(url.hash.slice(1)) : '';
      if (frag === '' || frag.toLowerCase() === 'top') continue;
      if (!/\.html?$/i.test(target)) continue;
      if (!idsOf(target).has(frag)) {
        failures.push(`<${link.tag} href="${raw}">: no element with id "${frag}" on ${target}`);
      }
    }
    results.check(failures, 'link', rel);
  }
}

// A missing page deep under the base path gets the site's 404 page, with
// status 404, and that page's styles and images still load from there.
async function notFoundCheck(browser, results, opts, origin, fileSet) {
  const where = '404.html';
  if (!fileSet.has('404.html')) {
    results.fail('404', where, 'the site has no 404.html');
    return;
  }
  const context = await newContext(browser, origin, { javaScriptEnabled: false });
  const page = await context.newPage();
  const seen = instrument(page, origin);
  const failures = [];
  const missing = `${origin}${opts.basePath}no-such-page/deeper/still/`;
  try {
    const resp = await loadPage(page, missing);
    if (!resp || resp.status() !== 404) failures.push(`missing page served with status ${resp?.status()}`);
    const text = await page.evaluate(() => (document.querySelector('main') || document.body)?.textContent.trim().length ?? 0);
    if (!text) failures.push('404 page shows no text');
  } catch (e) {
    failures.push(`does not load: ${e.message.split('\n')[0]}`);
  }
  await seen.stop();
  results.check(failures, '404', where);
  reportLoad(results, where, 'as a missing deep URL', seen, opts);
  await context.close();
}

// Feeds, sitemaps and other XML parse as XML.
async function xmlCheck(browser, results, opts, origin, xmlFiles, fileSet) {
  if (xmlFiles.length === 0) return;
  const context = await newContext(browser, origin, { javaScriptEnabled: true });
  const page = await context.newPage();
  await page.goto(origin + opts.basePath, { timeout: NAV_TIMEOUT_MS }).catch(() => {});
  for (const rel of xmlFiles) {
    const url = origin + urlPathFor(opts.basePath, rel);
    const got = await page.evaluate(async (u) => {
      const resp = await fetch(u);
      if (!resp.ok) return { err: `status ${resp.status}` };
      const doc = new DOMParser().parseFromString(await resp.text(), 'application/xml');
      const pe = doc.querySelector('parsererror');
      if (pe) return { err: `not well-formed XML: ${(pe.querySelector('div') || pe).textContent}` };
      // Sitemap <loc>, RSS <link> and <guid>, Atom <link href> and <id>.
      const all = (name) => [...doc.getElementsByTagNameNS('*', name)];
      const urls = [
        ...all('loc').map((e) => e.textContent),
        ...all('link').map((e) => e.getAttribute('href') || e.textContent),
        ...all('guid').filter((e) => e.getAttribute('isPermaLink') !== 'false').map((e) => e.textContent),
        ...all('id').map((e) => e.textContent),
      ];
      return { err: null, urls: urls.map((x) => (x || '').trim()).filter(Boolean) };
    }, url).catch((e) => ({ err: `cannot fetch: ${e.message}` }));
    const failures = got.err ? [got.err] : [];
    // With --site-url, the site's own absolute URLs in feeds and sitemaps must resolve.
    if (opts.siteUrl && got.urls) {
      const sitePath = new URL(opts.siteUrl).pathname;
      for (const u of new Set(got.urls)) {
        if (!u.startsWith(opts.siteUrl)) continue;
        const urlPath = opts.basePath + new URL(u).pathname.slice(sitePath.length);
        const target = fileForUrlPath(opts.site, opts.basePath, urlPath);
        if (!target || !fileSet.has(target)) failures.push(`${u} is broken: nothing at ${urlPath}`);
      }
    }
    results.check(failures, 'xml', rel);
  }
  await context.close();
}

// axe-core WCAG 2 A/AA in each scheme and width, plus console and network
// errors. Each scheme x width runs in its own context, up to --jobs at once.
async function fullPass(browser, results, opts, origin, pages, pageUrl) {
  const axeSource = require('axe-core').source;
  const combos = SCHEMES.flatMap((scheme) => WIDTHS.map((width) => ({ scheme, width })));
  const buffers = combos.map(() => results.buffered());
  let next = 0;
  const worker = async () => {
    while (next < combos.length) {
      const i = next++;
      await fullPassOne(browser, buffers[i], origin, pages, pageUrl, combos[i], axeSource, opts);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.jobs, combos.length) }, worker));
  for (const b of buffers) results.absorb(b);
}

async function fullPassOne(browser, results, origin, pages, pageUrl, { scheme, width }, axeSource, opts) {
  const context = await newContext(browser, origin, {
    colorScheme: scheme,
    viewport: { width, height: 900 },
    reducedMotion: 'reduce',
  });
  // Registered once per context: sending axe's source with every page costs
  // more than the check itself. Skipped on the about:blank between pages.
  await context.addInitScript({
    content: `if (location.protocol !== 'about:') { (function () {\n${axeSource}\n}).call(window); }`,
  });
  const page = await context.newPage();
  const label = `${scheme} ${width}`;
  for (const rel of pages) {
    const seen = instrument(page, origin);
    try {
      await loadPage(page, pageUrl(rel));
      if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
        await page.addScriptTag({ content: axeSource });
      }
      const violations = await page.evaluate(async (tags) => {
        const r = await window.axe.run(document, {
          runOnly: { type: 'tag', values: tags },
          resultTypes: ['violations'],
        });
        return r.violations.map((v) => ({
          id: v.id,
          help: v.help,
          targets: v.nodes.map((n) => n.target.join(' ')),
        }));
      }, AXE_TAGS);
      results.check(violations.map((v) => {
        const shown = v.targets.slice(0, 3).join(', ');
        const more = v.targets.length > 3 ? ` (+${v.targets.length - 3} more)` : '';
        return `${v.id}: ${v.help} — ${shown}${more}`;
      }), 'a11y', `${rel} [${label}]`);
    } catch (e) {
      results.fail('a11y', `${rel} [${label}]`, `cannot check: ${e.message.split('\n')[0]}`);
    }
    await seen.stop();
    reportLoad(results, rel, label, seen, opts);
  }
  await context.close();
}

async function screenshots(browser, results, opts, origin, pages, pageUrl) {
  mkdirSync(opts.shots, { recursive: true });
  const wanted = [
    ['index', pages.find((p) => p === 'index.html')],
    ['incident', pages.filter((p) => /^incidents\/.+\/index\.html$/.test(p)).sort()[0]],
    ['uptime', pages.find((p) => p === 'uptime/index.html')],
    ['reliability', pages.find((p) => p === 'reliability/index.html')],
  ].filter(([, rel]) => rel);
  for (const scheme of SCHEMES) {
    for (const width of WIDTHS) {
      const context = await newContext(browser, origin, { colorScheme: scheme, viewport: { width, height: 900 } });
      const page = await context.newPage();
      for (const [name, rel] of wanted) {
        const file = path.join(opts.shots, `${opts.name}-${name}-${width}-${scheme}.png`);
        try {
          await loadPage(page, pageUrl(rel));
          await page.screenshot({ path: file, fullPage: true });
          results.pass();
        } catch (e) {
          results.fail('shot', file, e.message.split('\n')[0]);
        }
      }
      await context.close();
    }
  }
}

main();
