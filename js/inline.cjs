// CommonJS form of ./inline, through require(esm) (Node >= 20.19).
module.exports = require('./inline.js');
