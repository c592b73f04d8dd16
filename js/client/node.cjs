// CommonJS form of the mail client's node entry, through require(esm) (Node >= 20.19).
module.exports = require('./node.js');
