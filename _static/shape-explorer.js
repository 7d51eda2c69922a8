/*
 * The cheat sheet's shape explorer: pick a layer, its wrapper and flags, and sizes; see what
 * comes back, with concrete shapes, and the parameter count.
 *
 * Every shape and formula comes from shape-explorer.json, which `make book` writes with
 * lstm_helpers.cheatsheet.write_explorer_data from the book's one rule (returned_arrays) and
 * parameter_formula; how several arrays come back (a tuple, on Keras 3.15.1) is its
 * returned_container, observed on real Keras layers when the file is written. This file knows
 * no shape rule: it only looks up the configuration the reader picked and evaluates symbolic
 * sizes such as "2*units" with the same small grammar as lstm_helpers.shapes.evaluate
 * (integers, names, +, -, * and parentheses; an unknown size, None, makes the result None).
 *
 * Jupyter Book adds this script to every page; it does nothing where there is no
 * #shape-explorer element. Without JavaScript the page keeps its static table.
 */
(function () {
  "use strict";

  // Resolved now: document.currentScript is only set while this file first runs.
  var DATA_URL = new URL(
    "shape-explorer.json",
    (document.currentScript && document.currentScript.src) || document.baseURI
  ).href;

  /* ---- The evaluator: lstm_helpers.shapes.evaluate, nothing more. ---- */

  function tokenize(text) {
    var tokens = [];
    var pattern = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|([-+*()]))/y;
    var match;
    pattern.lastIndex = 0;
    while (pattern.lastIndex < text.length) {
      var start = pattern.lastIndex;
      match = pattern.exec(text);
      if (!match) {
        if (/^\s*$/.test(text.slice(start))) break;
        throw new Error("expected integers, names, +, - and * only, got " + JSON.stringify(text));
      }
      if (match[1] !== undefined) tokens.push({ kind: "int", value: parseInt(match[1], 10) });
      else if (match[2] !== undefined) tokens.push({ kind: "name", value: match[2] });
      else tokens.push({ kind: "op", value: match[3] });
    }
    return tokens;
  }

  function evaluate(expression, sizes) {
    var tokens = tokenize(expression);
    var position = 0;

    function peek() {
      return tokens[position];
    }
    function fail() {
      throw new Error("expected an arithmetic expression, got " + JSON.stringify(expression));
    }
    function combine(left, op, right) {
      if (left === null || right === null) return null;
      if (op === "+") return left + right;
      if (op === "-") return left - right;
      return left * right;
    }
    function factor() {
      var token = tokens[position++];
      if (!token) fail();
      if (token.kind === "int") return token.value;
      if (token.kind === "name") {
        if (!Object.prototype.hasOwnProperty.call(sizes, token.value)) {
          throw new Error(JSON.stringify(expression) + " uses " + JSON.stringify(token.value) +
            "; expected one of " + Object.keys(sizes).sort().join(", "));
        }
        return sizes[token.value];
      }
      if (token.value === "(") {
        var inner = sum();
        var close = tokens[position++];
        if (!close || close.value !== ")") fail();
        return inner;
      }
      return fail();
    }
    function product() {
      var value = factor();
      while (peek() && peek().value === "*") {
        position++;
        value = combine(value, "*", factor());
      }
      return value;
    }
    function sum() {
      var value = product();
      while (peek() && (peek().value === "+" || peek().value === "-")) {
        var op = tokens[position++].value;
        value = combine(value, op, product());
      }
      return value;
    }

    var result = sum();
    if (position !== tokens.length) fail();
    return result;
  }

  /* ---- Printing like Python, so the page reads like the notebooks. ---- */

  function pythonValue(value) {
    if (value === null) return "None";
    if (value === true) return "True";
    if (value === false) return "False";
    if (typeof value === "string") return "'" + value + "'";
    return String(value);
  }

  function pythonTuple(values) {
    return "(" + values.map(pythonValue).join(", ") + (values.length === 1 ? ",)" : ")");
  }

  /* ---- The form. ---- */

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "text") node.textContent = attributes[key];
      else node.setAttribute(key, attributes[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(child);
    });
    return node;
  }

  function labelled(text, control) {
    return element("label", { class: "se-field" }, [element("span", { text: text }), control]);
  }

  function checkbox(id, text) {
    var box = element("input", { type: "checkbox", id: id });
    return { input: box, label: element("label", { class: "se-check", for: id }, [box, document.createTextNode(" " + text)]) };
  }

  function numberInput(id, value, allowEmpty) {
    var attributes = { type: "number", id: id, min: "1", step: "1", value: String(value), inputmode: "numeric" };
    if (allowEmpty) attributes.placeholder = "None";
    return element("input", attributes);
  }

  function build(root, data) {
    var kind = element("select", { id: "se-kind" }, data.kinds.map(function (k) {
      return element("option", { value: k, text: k });
    }));
    var bidirectional = checkbox("se-bidirectional", "wrap in Bidirectional");
    var mergeMode = element("select", { id: "se-merge-mode" }, data.merge_modes.map(function (m) {
      return element("option", { value: JSON.stringify(m), text: pythonValue(m) });
    }));
    var sequences = checkbox("se-return-sequences", "return_sequences=True");
    var state = checkbox("se-return-state", "return_state=True");
    var sizes = {
      batch: numberInput("se-batch", 32, true),
      timesteps: numberInput("se-timesteps", 20, true),
      features: numberInput("se-features", 30, false),
      units: numberInput("se-units", 10, false),
    };

    var call = element("code", { id: "se-call" });
    var rows = element("tbody", { id: "se-arrays" });
    var table = element("table", { class: "se-result" }, [
      element("thead", {}, [element("tr", {}, ["#", "name", "shape", "symbolic shape", "what it is"].map(function (h) {
        return element("th", { text: h });
      }))]),
      rows,
    ]);
    var count = element("p", { id: "se-count" });
    var parameters = element("p", { id: "se-parameters" });
    var problem = element("p", { id: "se-problem", class: "se-problem", role: "alert" });

    var form = element("form", { class: "se-form", "aria-label": "Shape explorer settings" }, [
      element("fieldset", {}, [element("legend", { text: "Layer" }),
        labelled("layer", kind), bidirectional.label, labelled("merge_mode", mergeMode),
        sequences.label, state.label]),
      element("fieldset", {}, [element("legend", { text: "Sizes" }),
        labelled("batch", sizes.batch), labelled("timesteps", sizes.timesteps),
        labelled("features", sizes.features), labelled("units", sizes.units)]),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    var output = element("div", { class: "se-output", "aria-live": "polite" }, [
      element("p", {}, [document.createTextNode("Calling "), call, document.createTextNode(" on an input of shape "),
        element("code", { id: "se-input-shape" }), document.createTextNode(" returns:")]),
      table, count, parameters, problem,
    ]);
    root.replaceChildren(form, output);

    function readSize(name, allowEmpty) {
      var text = sizes[name].value.trim();
      if (text === "" && allowEmpty) return null;
      var value = Number(text);
      if (!Number.isInteger(value) || value < 1) {
        throw new Error(name + " must be a positive whole number" + (allowEmpty ? " (or empty for None)" : ""));
      }
      return value;
    }

    function render() {
      problem.textContent = "";
      mergeMode.disabled = !bidirectional.input.checked;
      var picked = {
        kind: kind.value,
        bidirectional: bidirectional.input.checked,
        merge_mode: bidirectional.input.checked ? JSON.parse(mergeMode.value) : null,
        return_sequences: sequences.input.checked,
        return_state: state.input.checked,
      };
      var configuration = data.configurations.find(function (c) {
        return Object.keys(picked).every(function (key) {
          return c[key] === picked[key];
        });
      });
      var values;
      try {
        values = {
          batch: readSize("batch", true),
          timesteps: readSize("timesteps", true),
          features: readSize("features", false),
          units: readSize("units", false),
        };
        if (!configuration) throw new Error("no such configuration in shape-explorer.json");
      } catch (error) {
        problem.textContent = error.message;
        rows.replaceChildren();
        count.textContent = "";
        parameters.textContent = "";
        return;
      }
      // The rows write the call with the word "units"; show it with the reader's number.
      call.textContent = configuration.call.replace("(units", "(" + values.units);
      document.getElementById("se-input-shape").textContent =
        pythonTuple([values.batch, values.timesteps, values.features]);
      rows.replaceChildren.apply(rows, configuration.arrays.map(function (array, index) {
        var shape = array.shape.map(function (axis) {
          return evaluate(axis, values);
        });
        var row = element("tr", { "data-name": array.name, "data-shape": JSON.stringify(shape) }, [
          element("td", { text: String(index) }),
          element("td", {}, [element("code", { text: array.name })]),
          element("td", {}, [element("code", { class: "se-shape", text: pythonTuple(shape) })]),
          element("td", {}, [element("code", { text: "(" + array.shape.join(", ") + ")" })]),
          element("td", { text: array.meaning }),
        ]);
        return row;
      }));
      var n = configuration.arrays.length;
      var container = data.returned_container;
      count.setAttribute("data-returned-as", n === 1 ? "" : container);
      if (n === 1) {
        count.textContent = "One array: the layer returns it as it is, not in a " + container + ".";
      } else {
        var names = configuration.arrays.map(function (array) {
          return array.name;
        });
        count.replaceChildren(
          document.createTextNode(n + " arrays, returned as a " + container + " in this order, so "),
          element("code", { text: names.join(", ") + " = layer(x)" }),
          document.createTextNode(" unpacks them.")
        );
      }
      var total = evaluate(configuration.parameters, values);
      parameters.setAttribute("data-parameters", String(total));
      parameters.replaceChildren(
        document.createTextNode("Parameters: " + total.toLocaleString("en-US") + " = "),
        element("code", { text: configuration.parameters }),
        document.createTextNode(" with features = " + values.features + ", units = " + values.units + ".")
      );
    }

    [kind, mergeMode, bidirectional.input, sequences.input, state.input].forEach(function (control) {
      control.addEventListener("change", render);
    });
    Object.keys(sizes).forEach(function (name) {
      sizes[name].addEventListener("input", render);
    });
    render();
    root.setAttribute("data-ready", "true");
  }

  /* The cheat sheet's table on a phone: each cell gets its column's header as data-label,
     which shape-explorer.css shows when it turns the rows into cards. */
  function labelCheatSheets() {
    document.querySelectorAll("table.lstm-cheat-sheet").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (headers[index]) cell.setAttribute("data-label", headers[index]);
        });
      });
      table.classList.add("se-labelled");
    });
  }

  function start() {
    labelCheatSheets();
    var root = document.getElementById("shape-explorer");
    if (!root) return;
    fetch(DATA_URL)
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (typeof data.returned_container !== "string") {
          throw new Error("shape-explorer.json has no returned_container; rebuild the site");
        }
        build(root, data);
      })
      .catch(function (error) {
        root.setAttribute("data-ready", "failed");
        root.replaceChildren(element("p", { class: "se-problem", role: "alert",
          text: "The shape explorer could not load its data (" + error.message + "); the table " +
            "below has every combination. (Opening the book from a file? Serve it instead: " +
            "python -m http.server -d _build/html)" }));
      });
  }

  // For the browser test and the curious: the same evaluator the explorer uses.
  window.lstmShapeExplorer = { evaluate: evaluate };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
