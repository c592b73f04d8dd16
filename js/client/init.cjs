// CommonJS form of the mail client's init entry, through require(esm) (Node >= 20.19).
module.exports = require('./init.js');
