// Bundle-time stand-in for vectra's entry point (see scripts/build.mjs). Pinpoint composes only these three
// classes; the entry point also loads a web server, grpc, an LLM client and wink-nlp's language model
// (~1 s and ~110 MB at start-up, ~11 MB of bundle). Relative paths: vectra's exports map hides lib/.
exports.LocalIndex = require('../node_modules/vectra/lib/LocalIndex.js').LocalIndex;
exports.ProtobufCodec = require('../node_modules/vectra/lib/codecs/ProtobufCodec.js').ProtobufCodec;
exports.LocalFileStorage = require('../node_modules/vectra/lib/storage/LocalFileStorage.js').LocalFileStorage;
