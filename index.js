// n8n loads nodes and credentials from the `n8n` section of package.json, not from this entry point.
module.exports = {};
