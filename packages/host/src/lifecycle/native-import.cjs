// Node's own dynamic import, reached through require() so no bundler or test runner
// rewrites it: plugins load through Node's loader exactly as in production.
module.exports = (url) => import(url);
