{
  # ascendify's native helper for tree-sitter trees (src/python/native-trees.ts):
  # frees a tree on request and copies a tree into typed arrays in one call.
  # Built by `npm ci` / `npm install` (package.json "install"); optional: without
  # it the engine walks trees through the binding and forces GCs to free them.
  #
  # It reads the binding's Tree objects, so it is compiled against the installed
  # tree-sitter package's own headers and runtime sources (the same version, the
  # same node-addon-api and defines): the layout it reads is the one the binding has.
  "targets": [
    {
      "target_name": "ascendify_trees",
      "dependencies": [
        # the node-addon-api the binding itself was compiled with (its ObjectWrap layout)
        "<!(node -p \"require(require.resolve('node-addon-api', { paths: [require('path').dirname(require.resolve('tree-sitter/package.json'))] })).targets\"):node_addon_api_except",
      ],
      "sources": [
        "trees.cc",
        "runtime.c",
        "export.c",
      ],
      "include_dirs": [
        "<(ts_dir)/src",
        "<(ts_dir)/vendor/tree-sitter/lib/include",
        "<(ts_dir)/vendor/tree-sitter/lib",
        "<(ts_dir)/vendor/tree-sitter/lib/src",
      ],
      "defines": [
        "NAPI_VERSION=<(napi_build_version)",
        # the tree-sitter binding this was compiled against (checked at load: native-trees.ts)
        "ASCENDIFY_TS_VERSION=<!(node -p \"require('tree-sitter/package.json').version\")",
        "_POSIX_C_SOURCE=200112L",
        "_DEFAULT_SOURCE",
      ],
      "conditions": [
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "MACOSX_DEPLOYMENT_TARGET": "10.9",
          },
        }],
        ["OS=='win'", {
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17"] } },
        }],
        ["OS!='win'", {
          "cflags_c": ["-std=c11", "-fvisibility=hidden"],
          "cflags_cc": ["-std=c++17", "-fvisibility=hidden", "-Wno-cast-function-type"],
        }],
      ],
    },
  ],
  "variables": {
    "ts_dir": "<!(node -p \"require('path').dirname(require.resolve('tree-sitter/package.json'))\")",
  },
}
