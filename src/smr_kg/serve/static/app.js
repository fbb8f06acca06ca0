// The smr-kg query page: YASGUI (vendored) pointed at this server's /sparql, with the named
// queries as ready examples. Everything YASGUI would fetch from the network is turned off:
// prefix.cc and LOV autocompletion, and the catalogue of public endpoints.
(function () {
  "use strict";
  var endpoint = window.location.origin + "/sparql";
  document.getElementById("endpoint").textContent = endpoint;

  // YASGUI merges its defaults into the options, so the network-backed completers (prefix.cc,
  // LOV classes and properties) must be removed from the defaults themselves.
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  Yasgui.defaults.yasqe.autocompleters = ["variables"];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    populateFromUrl: false,
    persistenceId: null,
    yasqe: { autocompleters: ["variables"], showQueryButton: true },
  });

  function openExample(example) {
    var tab = yasgui.addTab(true, { name: example.name, requestConfig: { endpoint: endpoint } });
    tab.setEndpoint(endpoint);
    tab.setQuery(example.query);
    return tab;
  }

  function listItem(example) {
    var button = document.createElement("button");
    button.type = "button";
    button.dataset.query = example.name;
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = example.name;
    var question = document.createElement("span");
    question.className = "question";
    question.textContent = example.question;
    button.appendChild(name);
    button.appendChild(question);
    button.addEventListener("click", function () { openExample(example); });
    var item = document.createElement("li");
    item.appendChild(button);
    return item;
  }

  fetch("/examples.json")
    .then(function (response) { return response.json(); })
    .then(function (examples) {
      var list = document.getElementById("examples");
      examples.forEach(function (example) { list.appendChild(listItem(example)); });
      document.body.dataset.ready = "true";
    });
  window.smrKg = { yasgui: yasgui, openExample: openExample };
})();
