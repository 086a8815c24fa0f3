// The query editor: YASGUI configured from the page's JSON data block
// (#editor-config), so the page itself carries no script.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var examples = {};
  config.examples.forEach(function (example) {
    examples[example.name] = example;
  });

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    // Only our endpoint is offered; YASGUI's default list names outside services.
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: config.endpoint }];
      },
    },
    persistenceId: "guidegraph-query-editor",
    populateFromUrl: true,
    yasqe: {
      value: config.defaultQuery,
      // Prefix completion reads our own list; class and property completion
      // would ask an outside vocabulary service, so they are left out.
      prefixCcApi: config.prefixesUrl,
      autocompleters: ["prefixes", "variables"],
    },
    yasr: { prefixes: config.prefixes },
  });

  function openExample(name) {
    var example = examples[name];
    if (!example) return;
    var tab = null;
    Object.keys(yasgui._tabs).forEach(function (id) {
      if (yasgui._tabs[id].getName() === example.title) tab = yasgui._tabs[id];
    });
    if (tab) {
      yasgui.selectTabId(tab.getId());
      tab.setQuery(example.query);
    } else {
      tab = yasgui.addTab(true, {
        name: example.title,
        yasqe: { value: example.query },
        requestConfig: { endpoint: config.endpoint, method: "POST" },
      });
    }
    return tab;
  }

  document.querySelectorAll("[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      openExample(button.getAttribute("data-example"));
    });
  });
})();
