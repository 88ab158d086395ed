// Frontend build for a Grafana plugin, with esbuild instead of webpack (one dev dependency, a few hundred ms).
//
//   node .config/build.mjs --production   bundle src/module.ts(x) into dist/module.js (+ .map), minified
//   node .config/build.mjs --watch        rebuild on every change (development)
//
// What it does, following create-plugin's webpack conventions:
// - dist/module.js is an AMD module (the format Grafana loads); Grafana's shared libraries (@grafana/*, react,
//   rxjs, lodash, ...) stay external and become the module's AMD dependencies;
// - dist/ is cleaned first, except backend executables and their folders (`*_amd64`, `*_arm64`, `*_arm`, `.exe`);
// - plugin.json, README.md (src/README.md if present, else the root one), LICENSE, CHANGELOG.md, every other
//   src/**/*.json, img/** and **/query_help.md are copied, with %VERSION% (package.json's version), %TODAY% and
//   %PLUGIN_ID% replaced in plugin.json and README.md.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

const EXTERNAL = /^(@grafana\/(data|runtime|ui|schema|i18n|e2e-selectors)|@emotion\/(css|react)|react|react-dom|react-router|react-router-dom|rxjs|lodash|moment|jquery|d3|i18next)(\/.*)?$/;
const KEEP = /(.*?_(amd64|arm(64)?)(\.exe)?|go_plugin_build_manifest)/;

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const pluginJson = JSON.parse(fs.readFileSync(path.join(src, 'plugin.json'), 'utf8'));
const entry = ['module.tsx', 'module.ts'].map((f) => path.join(src, f)).find((f) => fs.existsSync(f));
if (!entry) {
  console.error('build: src/module.ts or src/module.tsx is missing.');
  process.exit(1);
}

function cleanDist() {
  fs.mkdirSync(dist, { recursive: true });
  for (const name of fs.readdirSync(dist)) {
    if (!KEEP.test(name)) {
      fs.rmSync(path.join(dist, name), { recursive: true, force: true });
    }
  }
}

function substitute(text) {
  return text
    .replaceAll('%VERSION%', pkg.version)
    .replaceAll('%TODAY%', new Date().toISOString().substring(0, 10))
    .replaceAll('%PLUGIN_ID%', pluginJson.id);
}

function walk(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(full, out);
    } else {
      out.push(full);
    }
  }
  return out;
}

function copyAssets() {
  const readme = fs.existsSync(path.join(src, 'README.md')) ? path.join(src, 'README.md') : path.join(root, 'README.md');
  fs.writeFileSync(path.join(dist, 'README.md'), substitute(fs.readFileSync(readme, 'utf8')));
  fs.writeFileSync(path.join(dist, 'plugin.json'), substitute(fs.readFileSync(path.join(src, 'plugin.json'), 'utf8')));
  for (const name of ['LICENSE', 'CHANGELOG.md']) {
    if (fs.existsSync(path.join(root, name))) {
      fs.copyFileSync(path.join(root, name), path.join(dist, name));
    }
  }
  for (const file of walk(src)) {
    const rel = path.relative(src, file);
    const isAsset =
      (rel.endsWith('.json') && rel !== 'plugin.json') ||
      rel.startsWith(`img${path.sep}`) ||
      path.basename(rel) === 'query_help.md';
    if (isAsset) {
      fs.mkdirSync(path.dirname(path.join(dist, rel)), { recursive: true });
      fs.copyFileSync(file, path.join(dist, rel));
    }
  }
}

// esbuild has no AMD output: bundle as CommonJS and wrap it in define([...externals], ...), shifting the
// source map by the wrapper's header lines.
function amd(code, map, deps) {
  const params = deps.map((_, i) => `__dep${i}`);
  const table = deps.map((d, i) => `${JSON.stringify(d)}: __dep${i}`).join(', ');
  const header = [
    `define(${JSON.stringify(deps)}, function (${params.join(', ')}) {`,
    `var __deps = {${table}};`,
    `var require = function (name) { if (name in __deps) { return __deps[name]; } throw new Error('Cannot find module ' + name); };`,
    'var module = { exports: {} }, exports = module.exports;',
  ];
  const body = code.replace(/\/\/# sourceMappingURL=.*\s*$/, '');
  const wrapped = `${header.join('\n')}\n${body}\nreturn module.exports;\n});\n//# sourceMappingURL=module.js.map\n`;
  const sourceMap = JSON.parse(map);
  sourceMap.mappings = ';'.repeat(header.length) + sourceMap.mappings;
  return { wrapped, sourceMap: JSON.stringify(sourceMap) };
}

const grafanaPlugin = {
  name: 'grafana-amd',
  setup(build) {
    let deps = new Set();
    build.onStart(() => {
      deps = new Set();
    });
    build.onResolve({ filter: EXTERNAL }, (resolved) => {
      deps.add(resolved.path);
      return { path: resolved.path, external: true };
    });
    build.onEnd((result) => {
      if (result.errors.length > 0) {
        return;
      }
      const js = result.outputFiles.find((f) => f.path.endsWith('module.js'));
      const map = result.outputFiles.find((f) => f.path.endsWith('module.js.map'));
      const { wrapped, sourceMap } = amd(js.text, map.text, [...deps].sort());
      cleanDist();
      fs.writeFileSync(path.join(dist, 'module.js'), wrapped);
      fs.writeFileSync(path.join(dist, 'module.js.map'), sourceMap);
      copyAssets();
      console.log(`build: dist/module.js (${wrapped.length} bytes) for ${pluginJson.id} ${pkg.version}`);
    });
  },
};

const options = {
  entryPoints: [entry],
  outfile: path.join(dist, 'module.js'),
  bundle: true,
  format: 'cjs',
  platform: 'browser',
  target: 'es2019',
  jsx: 'transform',
  minify: production,
  keepNames: true,
  sourcemap: 'external',
  write: false,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  plugins: [grafanaPlugin],
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
  console.log('build: watching src/ for changes (Ctrl-C to stop)');
} else {
  const result = await esbuild.build(options);
  if (result.errors.length > 0) {
    process.exit(1);
  }
}
