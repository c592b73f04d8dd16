// CommonJS form of the emulator, through require(esm) (Node >= 20.19).
module.exports = require('./index.js');
