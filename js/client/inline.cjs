// CommonJS form of the mail client's inline entry, through require(esm) (Node >= 20.19).
module.exports = require('./inline.js');
