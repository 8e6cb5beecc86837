/** Copies node and credential icons and node codex files into dist/, keeping their paths. */
const { src, dest } = require('gulp');

function copyIconsAndCodex() {
  return src(
    ['nodes/**/*.{svg,png}', 'credentials/**/*.{svg,png}', 'nodes/**/*.node.json'],
    // allowEmpty: the build must pass before the first node or credential exists.
    { base: '.', encoding: false, allowEmpty: true },
  ).pipe(dest('dist'));
}

exports['build:icons'] = copyIconsAndCodex;
