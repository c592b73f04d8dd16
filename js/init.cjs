// CommonJS form of ./init, through require(esm) (Node >= 20.19).
module.exports = require('./init.js');
