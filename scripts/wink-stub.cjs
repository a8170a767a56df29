// Bundle-time stand-in for wink-nlp / wink-eng-lite-web-model / wink-bm25-text-search: vectra's LocalIndex
// requires them for its BM25 "hybrid" query, which Pinpoint never uses (it has its own lexical index).
function unavailable() {
  throw new Error('vectra BM25 is not bundled with Pinpoint (Pinpoint uses its own lexical index)');
}
module.exports = unavailable;
module.exports.default = unavailable;
