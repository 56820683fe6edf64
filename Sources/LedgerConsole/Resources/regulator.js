// The regulators' forms: approval steps on an application's page, the whitelist, 点对点 registrations and the
// registry. Every form.act-form declares its event (data-type, data-actor, fixed body fields in data-fixed) and its
// fields (name + data-kind); this script builds the body from them, checks what the browser can, runs 预检
// (POST /v1/checks), repeats the decisive values in words before the key signs, and signs and posts with forms.js
// (HWLForms.signedAction: the same signing, double-click safety and replay handling as the enterprises' forms).
// The ledger judges every signed event again: nothing here is a guard.
"use strict";

const HWLRegulator = (() => {
  const $ = (id) => document.getElementById(id);

  /// Today in 北京时间 as YYYY-MM-DD.
  function beijingToday() {
    return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  }

  // ---- USCC (SPEC §1) ----

  const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

  /// Null when `text` is a valid 统一社会信用代码, else what is wrong, in Chinese.
  function usccProblem(text) {
    if (!/^[0-9A-HJ-NP-RT-UW-Y]{18}$/.test(text)) return "统一社会信用代码须为 18 位数字或大写字母（不含 I、O、Z、S、V）";
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(text[i]) * USCC_WEIGHTS[i];
    const check = USCC_CHARS[(31 - (sum % 31)) % 31];
    return text[17] === check ? null : "校验码不符：按前 17 位应为 " + check + "，输入的是 " + text[17];
  }

  // ---- Reading a form ----

  /// Whether `el` is inside a conditional block that is hidden now.
  function inactive(el, form) {
    for (let p = el.parentElement; p && p !== form; p = p.parentElement) {
      if (p.classList.contains("when") && p.hidden) return true;
    }
    return false;
  }

  function labelOf(el) {
    const label = el.closest("label");
    return label ? label.textContent.trim().replace(/\s+/g, " ") : el.name;
  }

  /// One field's value and its words for the confirmation; `problem(text)` records what is wrong.
  async function readField(kind, els, problem) {
    const el = els[0];
    const optional = el.dataset.optional === "1";
    switch (kind) {
      case "choice": {
        if (el.tagName === "SELECT") {
          if (!el.value) return problem("请选择" + (el.dataset.label || labelOf(el)));
          return { value: el.value, words: el.selectedOptions[0].textContent.trim() };
        }
        const on = els.find((e) => e.checked);
        if (!on) return problem("请选择" + (el.closest("[aria-label]") ? el.closest("[aria-label]").getAttribute("aria-label") : el.name));
        return { value: on.value, words: labelOf(on) };
      }
      case "multi": {
        const on = el.tagName === "SELECT" ? Array.from(el.selectedOptions) : els.filter((e) => e.checked);
        if (!on.length && !optional) return problem("请至少选择一项" + (el.dataset.label ? "（" + el.dataset.label + "）" : ""));
        const word = (e) => (e.tagName === "OPTION" ? e.value : labelOf(e));
        return { value: on.map((e) => e.value), words: on.map(word).join("、") };
      }
      case "bool":
        return { value: el.checked, words: el.checked ? "是" : "否" };
      case "tonnes": {
        try {
          const grams = HWLTonnes.toGrams(el.value);
          return { value: grams, words: HWLTonnes.fromGrams(grams) };
        } catch (e) { return problem(e.message); }
      }
      case "list": {
        const items = el.value.split(/\n/).map((t) => t.trim()).filter((t) => t);
        if (!items.length) return problem("请至少填写一项（每行一项）");
        return { value: items, words: items.join("、") };
      }
      case "actdate": case "date": {
        const v = el.value;
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return problem("请填写日期（年-月-日）");
        // R-TIME: an act may not be dated after the signature about to be made (today, 北京时间).
        if (kind === "actdate" && v > beijingToday()) return problem("日期 " + v + " 晚于今天（北京时间 " + beijingToday() + "），不能登记尚未发生的行为");
        return { value: v, words: v };
      }
      case "uscc": {
        const v = el.value.trim().toUpperCase();
        const p = usccProblem(v);
        return p ? problem(p) : { value: v, words: v };
      }
      case "vkey": {
        const file = el.files && el.files[0];
        if (!file) return problem("请选择验证密钥文件（.vkey）");
        if (file.size > 4096) return problem("所选文件过大，不是验证密钥文件");
        const text = (await file.text()).trim();
        const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]{43,44}=*)$/.exec(text);
        if (!m) return problem("所选文件不是 <名称>+<8 位密钥ID>+<密钥> 格式的验证密钥（hwledger keygen 输出的 .vkey）");
        return { value: text, words: "密钥 " + m[2] + "（" + m[1] + "）", name: m[1] };
      }
      default: {
        const v = el.value.trim();
        if (!v && !optional) return problem((el.type === "hidden" ? "请选择" : "请填写") + (el.dataset.label || labelOf(el).replace(/（.*?）/g, "")));
        if (!v) return undefined;
        return { value: v, words: (el.dataset.confirmPrefix || "") + v };
      }
    }
  }

  /// The fields directly in `scope` (not in a nested row table), grouped by name, active ones only.
  function fieldsIn(scope, form, attr) {
    const groups = new Map();
    for (const el of scope.querySelectorAll("[" + attr + "][data-kind]")) {
      if (inactive(el, form)) continue;
      if (attr === "name" && el.closest("tr.row")) continue;
      const key = el.getAttribute(attr);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(el);
    }
    return groups;
  }

  /// {body, words, problems: [{field, text}]} of an act form.
  async function readForm(form) {
    const body = JSON.parse(form.dataset.fixed || "{}");
    const words = {};
    const problems = [];
    for (const [name, els] of fieldsIn(form, form, "name")) {
      const r = await readField(els[0].dataset.kind, els, (text) => { problems.push({ field: name, text }); });
      if (r === undefined) continue;
      body[name] = r.value;
      words[name] = r.words;
      if (r.name) words[name + ".name"] = r.name;
    }
    // Row tables (whitelist entries): one object per tr.row, fields named by data-col.
    for (const table of form.querySelectorAll("table[data-rows]")) {
      const name = table.dataset.rows;
      const rows = [];
      const texts = [];
      let n = 0;
      for (const tr of table.querySelectorAll("tr.row")) {
        n += 1;
        const row = {};
        const rowWords = {};
        for (const [col, els] of fieldsIn(tr, form, "data-col")) {
          const r = await readField(els[0].dataset.kind, els, (text) => { problems.push({ field: name, text: "第 " + n + " 行：" + text }); });
          if (r === undefined) continue;
          row[col] = r.value;
          rowWords[col] = r.words;
        }
        rows.push(row);
        texts.push(fill(table.dataset.confirm || "", rowWords));
      }
      if (!rows.length) problems.push({ field: name, text: "请至少添加一行" });
      body[name] = rows;
      words[name] = texts.map((t, i) => (i + 1) + ". " + t).join("；");
    }
    return { body, words, problems };
  }

  function fill(template, words) {
    return template.replace(/\{([A-Za-z.]+)\}/g, (_, k) => (words[k] === undefined ? "" : words[k]));
  }

  /// The sentence the signer confirms: the form's data-confirm and those of its visible conditional blocks.
  function sentence(form, words) {
    const parts = [form.dataset.confirm || ""];
    for (const block of form.querySelectorAll(".when[data-confirm]")) if (!block.hidden) parts.push(block.dataset.confirm);
    return fill(parts.filter((p) => p).join("；"), words);
  }

  // ---- Messages next to fields ----

  function clear(form) {
    for (const p of form.querySelectorAll(".field-error")) p.textContent = "";
    for (const el of form.querySelectorAll(".invalid")) el.classList.remove("invalid");
  }

  /// Puts `text` next to `field` (or in the status line) and marks the field.
  function mark(form, field, text, status) {
    const p = field && form.querySelector('.field-error[data-for="' + CSS.escape(field) + '"]');
    const target = p || status;
    target.textContent = target.textContent ? target.textContent + "；" + text : text;
    if (field) for (const el of form.querySelectorAll('[name="' + CSS.escape(field) + '"]')) el.classList.add("invalid");
  }

  /// The field a ledger error concerns: a field-error that claims its rule, else the field its message names.
  function fieldFor(form, error) {
    for (const p of form.querySelectorAll(".field-error[data-rules]")) {
      if (p.dataset.rules.split(/\s+/).includes(error.rule) && !inactive(p, form)) return p.dataset.for;
    }
    const m = /body\.([A-Za-z]+)/.exec(error.message || "");
    if (m && form.querySelector('.field-error[data-for="' + m[1] + '"]')) return m[1];
    return null;
  }

  function showErrors(form, status, errors) {
    for (const e of errors) {
      const text = (e.messageZh || e.message) + "（" + e.rule + "）";
      mark(form, fieldFor(form, e), text, status);
    }
  }

  // ---- One form ----

  function toggle(form) {
    for (const block of form.querySelectorAll(".when[data-when]")) {
      const [name, value] = block.dataset.when.split("=");
      const els = Array.from(form.querySelectorAll('[name="' + name + '"]'));
      const current = els.length && els[0].tagName === "SELECT" ? els[0].value : (els.find((e) => e.checked) || {}).value;
      block.hidden = current !== value;
    }
  }

  function setup(form) {
    const keyForm = $("key-form") || form;
    const status = form.querySelector(".status");
    const confirmBox = form.querySelector(".act-confirm");
    const confirmText = form.querySelector(".confirm-text");
    let confirmed = null;
    const today = beijingToday();
    for (const el of form.querySelectorAll("input[data-kind=actdate]")) {
      if (!el.value || el.value > today) el.value = today;
      el.max = today;
    }
    toggle(form);
    form.addEventListener("change", () => {
      toggle(form);
      if (confirmed) { confirmed = null; confirmBox.hidden = true; }
      preview();
    });
    form.addEventListener("input", () => { if (confirmed) { confirmed = null; confirmBox.hidden = true; } });

    async function prepared() {
      clear(form);
      const { body, words, problems } = await readForm(form);
      if (problems.length) {
        for (const p of problems) mark(form, p.field, p.text, status);
        status.className = "status bad";
        if (!status.textContent) status.textContent = "请先改正标出的问题。";
        status.textContent += " 未提交任何内容。";
        return null;
      }
      return { action: { type: form.dataset.type, actor: form.dataset.actor, body }, words };
    }

    // A live preview (the whitelist's entries as the counterpart will be asked to confirm them).
    const previewBox = form.querySelector(".act-preview");
    async function preview() {
      if (!previewBox) return;
      const { words } = await readForm(form);
      previewBox.textContent = sentence(form, words);
    }
    form.addEventListener("input", preview);
    preview();

    // 预检: the signed event judged by the ledger and rolled back. prepare() must be synchronous for forms.js, so the
    // form is read first and the button then clicked through.
    const check = form.querySelector(".act-check");
    let ready = null;
    if (check) {
      HWLForms.dryRunAction(check, status, {
        keyForm,
        prepare: () => ready && ready.action,
        show(errors) { showErrors(form, status, errors); return ""; },
      });
      check.addEventListener("click", async (event) => {
        if (ready) return;
        event.stopImmediatePropagation();
        ready = await prepared();
        if (ready) check.click();
        ready = null;
      }, { capture: true });
    }

    form.querySelector(".act-review").addEventListener("click", async () => {
      status.className = "status";
      status.textContent = "";
      const p = await prepared();
      if (!p) return;
      confirmed = p;
      confirmText.textContent = sentence(form, p.words);
      confirmBox.hidden = false;
      form.querySelector(".act-submit").disabled = false;
      form.querySelector(".act-submit").focus();
    });
    form.querySelector(".act-back").addEventListener("click", () => { confirmed = null; confirmBox.hidden = true; });

    HWLForms.signedAction(form.querySelector(".act-submit"), status, {
      keyForm,
      prepare() {
        if (!confirmed) {
          status.className = "status bad";
          status.textContent = "内容已改动，请重新点击“核对并签名”。未提交任何内容。";
          return null;
        }
        return confirmed.action;
      },
      accepted(answer) {
        const body = confirmed.action.body;
        let recorded = confirmText.textContent + "（台账条目 " + answer.index + "）";
        if (body.approvalNo) recorded = "审批文号 " + body.approvalNo + "，" + recorded;
        status.textContent = "已签名并提交：" + recorded + "。";
        for (const b of form.querySelectorAll(".act-check, .act-review, .act-back")) b.disabled = true;
        const done = $("act-done");
        if (done) {
          done.querySelector(".act-recorded").textContent = recorded;
          done.hidden = false;
        }
        form.classList.add("act-accepted");
        form.dataset.index = answer.index;
      },
      refused(answer) {
        const error = answer.body && answer.body.error;
        if (error) showErrors(form, status, [error]);
        if (!status.textContent) status.textContent = HWLForms.refusalText(answer);
        else status.textContent += " 台账未写入任何内容。";
      },
    });
  }

  // ---- Page helpers: division choices, USCC as typed, row tables ----

  /// 省 → 市 → 区县: each select offers the children of the one before (data-parent).
  function setupDivisions(root) {
    const province = root.querySelector(".div-province");
    const city = root.querySelector(".div-city");
    const county = root.querySelector(".div-county");
    if (!province || !city || !county) return;
    const filter = (select, parent) => {
      for (const o of select.options) if (o.value) o.hidden = o.dataset.parent !== parent;
      if (select.selectedOptions[0] && select.selectedOptions[0].hidden) select.value = "";
    };
    const apply = () => {
      filter(city, province.value);
      filter(county, city.value);
      const hidden = root.querySelector("input[name=division]");
      hidden.value = county.value || city.value || "";
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    };
    for (const s of [province, city, county]) s.addEventListener("change", apply);
    apply();
  }

  function setupUSCC(input) {
    const p = input.parentElement.parentElement.querySelector('.field-error[data-for="' + input.name + '"]');
    input.addEventListener("input", () => {
      const v = input.value.trim().toUpperCase();
      const problem = v.length === 18 ? usccProblem(v) : (v.length > 18 ? "超过 18 位" : null);
      if (p) p.textContent = problem || "";
      input.classList.toggle("invalid", !!problem);
    });
  }

  function setupRows(table) {
    const add = table.parentElement.querySelector(".add-row");
    if (add) {
      add.addEventListener("click", () => {
        const row = table.querySelector("tr.row").cloneNode(true);
        for (const el of row.querySelectorAll("input[type=text], input:not([type])")) el.value = "";
        for (const el of row.querySelectorAll("input[type=checkbox]")) el.checked = false;
        for (const el of row.querySelectorAll("select")) el.value = "";
        table.tBodies[0].appendChild(row);
      });
    }
    table.addEventListener("click", (e) => {
      if (!e.target.classList.contains("remove-row")) return;
      if (table.querySelectorAll("tr.row").length > 1) e.target.closest("tr").remove();
      e.target.closest("form") && e.target.closest("form").dispatchEvent(new Event("input"));
    });
    // The receiver's permit beside the choice.
    table.addEventListener("change", (e) => {
      if (!e.target.matches("select[data-col=receiver]")) return;
      const o = e.target.selectedOptions[0];
      e.target.closest("tr").querySelector(".wl-permit").textContent = o && o.dataset.permits ? o.dataset.permits : "";
    });
  }

  function init() {
    // The key file is asked for only where there is something to sign.
    if (!document.querySelector("form.act-form") && $("key-form")) $("key-form").hidden = true;
    for (const t of document.querySelectorAll("table[data-rows]")) setupRows(t);
    for (const f of document.querySelectorAll("form.act-form")) {
      setupDivisions(f);
      for (const i of f.querySelectorAll("input[data-kind=uscc]")) setupUSCC(i);
      setup(f);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();

  return { usccProblem, beijingToday };
})();
