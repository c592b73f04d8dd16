// CommonJS form of the package root's Node entry, through require(esm) (Node >= 20.19).
module.exports = require('./node.js');
