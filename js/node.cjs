// Node CommonJS entry: the same module as the ESM entry, through require(esm) (Node >= 20.19).
module.exports = require('../lib/index.js');
