// The enterprises' forms: build the event in the page, encode it canonically (canonical.js), sign it with the clerk's
// key file (WebCrypto Ed25519, over "hwledger/submission/v1\n" + the canonical bytes; the key never leaves this page)
// and post it to /v1/submissions. The ledger judges it exactly as a submission from the CLI; the checks here only
// spare the clerk a round trip and put each message next to its field. No framework, nothing from another host.
"use strict";

const HWLForms = (() => {
  const $ = (id) => document.getElementById(id);

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /// RFC 3339 UTC with seconds, as SPEC §1 writes instants.
  function nowInstant() {
    return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  /// {"submission","sig"} for the event, signed with `key` (from HWL.loadKeyFile).
  async function signEvent(key, type, actor, body) {
    const submission = {
      type, actor, body, keyId: key.keyId, nonce: hex(crypto.getRandomValues(new Uint8Array(16))), signedAt: nowInstant(),
    };
    const canonical = HWLCanonical.encode(submission);
    const prefix = new TextEncoder().encode("hwledger/submission/v1\n");
    const message = new Uint8Array(prefix.length + canonical.length);
    message.set(prefix, 0);
    message.set(canonical, prefix.length);
    const sig = await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, message);
    return { submission, sig: HWL.bytesToBase64(new Uint8Array(sig)) };
  }

  /// Posts a signed submission; resolves to {status, body}.
  async function post(path, signed) {
    const response = await fetch(path, {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(signed),
    });
    let body = null;
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    return { status: response.status, body };
  }

  // ---- Messages next to fields ----

  function clearErrors(form) {
    for (const p of form.querySelectorAll(".field-error")) p.textContent = "";
    for (const el of form.querySelectorAll(".invalid")) el.classList.remove("invalid");
  }

  function fieldError(form, field, text) {
    const p = form.querySelector('.field-error[data-for="' + field + '"]');
    const target = p || $("filing-status");
    target.textContent = target.textContent ? target.textContent + "；" + text : text;
    const input = $(field);
    if (input) input.classList.add("invalid");
    return 1;
  }

  /// The form field a rule violation concerns, from its rule id and the field path its English message names.
  function fieldOf(error) {
    const m = error.message || "";
    const carrier = /carriers\[(\d+)\]/.exec(m);
    switch (error.rule) {
      case "R-APPROVAL-EXPIRED": case "R-P2P-INACTIVE": return "plannedPickup";
      case "R-APPROVAL-QUOTA": case "R-P2P-CAP": case "R-RETURN": case "R-WASTE-CODE": return "lines";
      case "R-PERMIT": return "receiver";
      case "R-CARRIER-PERMIT": return carrier && carrier[1] === "1" ? "carrier2" : "carrier1";
      case "R-METHOD-CODE": return "method";
      case "R-SIG": return "keyfile";
      case "R-APPROVAL-MISSING": case "R-APPROVAL-MISMATCH": case "R-P2P-MISMATCH": case "R-P2P-SCOPE": case "R-NOT-FOUND":
        return "basis";
      default:
        if (carrier) return carrier[1] === "1" ? "carrier2" : "carrier1";
        if (/body\.receiver/.test(m)) return "receiver";
        if (/body\.emergencyContact\.phone/.test(m)) return "emergencyPhone";
        if (/body\.emergencyContact/.test(m)) return "emergencyName";
        if (/body\.lines/.test(m)) return "lines";
        return null;
    }
  }

  function showViolation(form, error) {
    const text = error.messageZh || error.message;
    const field = fieldOf(error);
    if (field) fieldError(form, field, text);
    else fieldError(form, "status", text);
  }

  // ---- One signed action per click ----

  /// The key of the chosen key file if it is `actor`'s; else null after saying why next to the key file field.
  async function ownKey(keyForm, actor) {
    let key;
    try { key = await HWL.loadKeyFile($("keyfile").files[0]); } catch (e) {
      fieldError(keyForm, "keyfile", e.message);
      return null;
    }
    if (key.name !== actor) {
      fieldError(keyForm, "keyfile", "所选密钥文件属于 " + key.name + "，不是当前登录单位 " + actor + " 的密钥；未提交任何内容");
      return null;
    }
    return key;
  }

  /// Wires `button` to sign and submit what `prepare()` returns ({type, actor, body}, or null after showing the
  /// problems). The key file must be `actor`'s. Double-click safe: the button is disabled and a busy flag set before
  /// the first await; after a lost answer the same signed submission (same nonce) is sent again, so a retry can never
  /// append twice. `accepted(body)` on 201 and on a 409 replay of an appended submission; `refused({status, body})` otherwise, with the status already marked bad.
  function signedAction(button, status, { keyForm, prepare, accepted, refused }) {
    let busy = false;
    let pending = null;
    button.addEventListener("click", async () => {
      if (busy) return;
      busy = true;
      button.disabled = true;
      clearErrors(keyForm);
      status.className = "status";
      status.textContent = "";
      let done = false;
      try {
        const action = prepare();
        if (!action) {
          pending = null;
          return;
        }
        const key = await ownKey(keyForm, action.actor);
        if (!key) return;
        const same = pending && pending.submission.type === action.type &&
          JSON.stringify(pending.submission.body) === JSON.stringify(action.body);
        if (!same) {
          status.textContent = "正在签名……";
          pending = await signEvent(key, action.type, action.actor, action.body);
        }
        status.textContent = "正在提交……";
        let answer;
        try { answer = await post("/v1/submissions", pending); } catch (e) {
          status.className = "status bad";
          status.textContent = "网络错误，未确认是否已提交；再次点击将重发同一份已签名的内容，不会重复提交。";
          return;
        }
        status.textContent = "";
        // A 409 R-NONCE carrying the original {index, leafHash, assigned}: this very signed submission was appended
        // before (its first answer was lost), so it is the outcome, not an error.
        const b = answer.body;
        const before = answer.status === 409 && b && b.error && b.error.rule === "R-NONCE" && Number.isSafeInteger(b.index);
        if (answer.status === 201 || before) {
          status.className = "status ok";
          accepted(b);
          if (before) status.textContent = "此前已提交成功（上次未收到答复，本次未重复写入）。" + status.textContent;
          done = true;
          return;
        }
        pending = null;
        status.className = "status bad";
        refused(answer);
      } finally {
        busy = false;
        button.disabled = done;
      }
    });
  }

  // ---- 填报联单 ----

  /// A 名录 description as a line's name: without its parentheses, its first clause, and after "产生的" the thing
  /// produced ("烟气、VOCs治理过程产生的废活性炭" → "废活性炭", "废电路板（包括…），及…" → "废电路板").
  function shortWasteName(description) {
    let text = (description || "").replace(/（[^（）]*）/g, "").replace(/\([^()]*\)/g, "");
    text = text.split(/[，；。,;]/)[0].trim();
    const at = text.lastIndexOf("产生的");
    if (at >= 0 && at + 3 < text.length) text = text.slice(at + 3);
    return text.slice(0, 30) || (description || "").slice(0, 30);
  }

  function fillFromCode(row) {
    const code = row.querySelector(".wasteCode").value.trim();
    const option = Array.from($("waste-codes").options).find((o) => o.value === code);
    row.querySelector(".category").textContent = option ? option.dataset.category : "";
    if (!option) return;
    // The line's name follows its code unless the clerk typed one: the short name of the 名录 entry.
    const name = row.querySelector(".name");
    if (!name.value || name.value === name.dataset.auto) {
      name.value = shortWasteName(option.dataset.description);
      name.dataset.auto = name.value;
    }
    row.querySelector(".hazards").value = option.dataset.hazards;
  }

  function applyBasis() {
    const option = $("basis").selectedOptions[0];
    if (!option || !option.dataset.receiver) return;
    $("receiver").value = option.dataset.receiver;
    if (option.dataset.method) $("method").value = option.dataset.method;
    const row = document.querySelector("#lines tr.line");
    row.querySelector(".wasteCode").value = option.dataset.code;
    fillFromCode(row);
    $("plannedPickup").min = option.dataset.from || "";
    $("plannedPickup").max = option.dataset.to || "";
  }

  /// The `manifest.filed` body from the form, or null after putting every problem next to its field.
  function filingBody(form) {
    let problems = 0;
    const basisValue = $("basis").value;
    const option = $("basis").selectedOptions[0];
    let basis = null;
    if (!basisValue) problems += fieldError(form, "basis", "请选择转移依据");
    else if (basisValue === "intra") basis = { intraProvince: true };
    else if (basisValue.startsWith("approval:")) basis = { approval: basisValue.slice(9) };
    else if (basisValue.startsWith("p2p:")) basis = { p2p: basisValue.slice(4) };
    const receiver = $("receiver").value;
    if (!receiver) problems += fieldError(form, "receiver", "请选择接受人");
    const carriers = [$("carrier1").value, $("carrier2").value].filter((c) => c);
    if (!$("carrier1").value) problems += fieldError(form, "carrier1", "请选择第一承运人");
    if (carriers.length === 2 && carriers[0] === carriers[1]) problems += fieldError(form, "carrier2", "第二承运人须与第一承运人不同");
    const method = $("method").value;
    if (!method) problems += fieldError(form, "method", "请选择利用/处置方式");
    const plannedPickup = $("plannedPickup").value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(plannedPickup)) problems += fieldError(form, "plannedPickup", "请填写计划转移日期");
    const lines = [];
    let grams = 0;
    document.querySelectorAll("#lines tr.line").forEach((row, i) => {
      const n = "第 " + (i + 1) + " 行：";
      const wasteCode = row.querySelector(".wasteCode").value.trim();
      if (!/^\d{3}-\d{3}-\d{2}$/.test(wasteCode)) problems += fieldError(form, "lines", n + "废物代码须为 NNN-SSS-CC（例：900-041-49）");
      const name = row.querySelector(".name").value.trim();
      if (!name) problems += fieldError(form, "lines", n + "请填写废物名称");
      const hazards = row.querySelector(".hazards").value.split(/[,，、\s]+/).filter((h) => h);
      if (!hazards.length || hazards.some((h) => !["T", "C", "I", "R", "In"].includes(h))) {
        problems += fieldError(form, "lines", n + "危险特性须为 T、C、I、R、In 中的一项或多项");
      }
      const packaging = row.querySelector(".packaging").value.trim();
      if (!packaging) problems += fieldError(form, "lines", n + "请填写包装方式");
      // 有害成分 (SPEC §5 lines[].components): optional; when given, 1–200 characters.
      const components = row.querySelector(".components").value.trim();
      if (Array.from(components).length > 200) {
        problems += fieldError(form, "lines", n + "有害成分最多 200 个字符（现为 " + Array.from(components).length + " 个）");
        row.querySelector(".components").classList.add("invalid");
      }
      const packagesText = row.querySelector(".packages").value.trim();
      const packages = /^\d{1,6}$/.test(packagesText) ? Number(packagesText) : NaN;
      if (!(packages > 0)) problems += fieldError(form, "lines", n + "包装数量须为正整数");
      let lineGrams = null;
      try { lineGrams = HWLTonnes.toGrams(row.querySelector(".tonnes").value); } catch (e) {
        problems += fieldError(form, "lines", n + e.message);
        row.querySelector(".tonnes").classList.add("invalid");
      }
      if (lineGrams !== null) grams += lineGrams;
      const line = { wasteCode, name, hazards, form: row.querySelector(".form").value, packaging, packages, grams: lineGrams };
      if (components) line.components = components;
      lines.push(line);
    });
    // What the chosen basis allows, checked here so that every mistake shows at once; the ledger judges again.
    if (option && option.dataset.receiver && basisValue.startsWith("approval:")) {
      const d = option.dataset;
      if (receiver && receiver !== d.receiver) problems += fieldError(form, "receiver", "接受人与审批 " + basis.approval + " 不一致（审批的接受人为 " + d.receiverName + "，" + d.receiver + "）");
      if (method && method !== d.method) problems += fieldError(form, "method", "利用/处置方式与审批不一致（审批为 " + d.method + "）");
      if (plannedPickup && (plannedPickup < d.from || plannedPickup > d.to)) {
        problems += fieldError(form, "plannedPickup", "计划转移日期 " + plannedPickup + " 不在审批有效期 " + d.from + " 至 " + d.to + " 内");
      }
      for (const l of lines) {
        if (l.wasteCode && l.wasteCode !== d.code) problems += fieldError(form, "lines", "废物代码 " + l.wasteCode + " 与审批不一致（审批为 " + d.code + "）");
      }
      if (grams > Number(d.remaining)) {
        problems += fieldError(form, "lines", "合计 " + HWLTonnes.fromGrams(grams) + " 吨超过审批剩余 " + HWLTonnes.fromGrams(Number(d.remaining)) + " 吨");
      }
    }
    const emergencyContact = emergencyContactOf(form);
    if (emergencyContact === null) problems += 1;
    if (problems) return null;
    const body = { generator: form.dataset.generator, carriers, receiver, plannedPickup, method, basis, lines };
    if (emergencyContact) body.emergencyContact = emergencyContact;
    return body;
  }

  /// 应急联系人 and 应急联系电话 (SPEC §5 emergencyContact): {name, phone}, undefined when both are empty, or null
  /// after putting the problem next to its field. Both or neither; the phone is 5–20 characters of digits, spaces,
  /// + and - (the ledger checks the same, EmergencyContact.isPhone).
  function emergencyContactOf(form) {
    const name = $("emergencyName").value.trim();
    const phone = $("emergencyPhone").value.trim();
    if (!name && !phone) return undefined;
    let problems = 0;
    if (!name) problems += fieldError(form, "emergencyName", "填写应急联系电话时须同时填写应急联系人");
    else if (Array.from(name).length > 64) problems += fieldError(form, "emergencyName", "应急联系人最多 64 个字符");
    if (!phone) problems += fieldError(form, "emergencyPhone", "填写应急联系人时须同时填写应急联系电话");
    else if (!/^[0-9 +-]{5,20}$/.test(phone)) {
      problems += fieldError(form, "emergencyPhone", "应急联系电话须为 5–20 个字符，只含数字、空格、+ 和 -（例：028-12345678）");
    }
    return problems ? null : { name, phone };
  }

  /// 预检: what `prepare()` returns ({type, actor, body}, or null after showing the problems) signed and posted to
  /// POST /v1/checks, where the ledger judges it and rolls it back (nothing appended, no nonce used). `show(errors)`
  /// puts the failing rules where the clerk sees them. The same signing as the real action, so the answer is the one
  /// the ledger would give now.
  function dryRunAction(button, status, { keyForm, prepare, show }) {
    button.addEventListener("click", async () => {
      if (button.disabled) return;
      button.disabled = true;
      clearErrors(keyForm);
      status.className = "status";
      status.textContent = "";
      try {
        const action = prepare();
        if (!action) {
          status.className = "status bad";
          if (!status.textContent) status.textContent = "请先改正标出的问题。预检未提交任何内容。";
          return;
        }
        const key = await ownKey(keyForm, action.actor);
        if (!key) return;
        status.textContent = "正在预检……";
        let answer;
        try { answer = await post("/v1/checks", await signEvent(key, action.type, action.actor, action.body)); } catch (e) {
          status.className = "status bad";
          status.textContent = "网络错误，预检未完成。";
          return;
        }
        status.textContent = "";
        if (answer.status !== 200 || !answer.body || !Array.isArray(answer.body.errors)) {
          status.className = "status bad";
          status.textContent = answer.body && answer.body.error ? (answer.body.error.messageZh || answer.body.error.message)
            : "预检失败（HTTP " + answer.status + "）。";
          return;
        }
        if (answer.body.ok) {
          status.className = "status ok";
          status.textContent = "预检通过：台账现在会接受此项。尚未提交，台账未写入任何内容。";
          return;
        }
        status.className = "status bad";
        const detail = show(answer.body.errors);
        const summary = "预检发现 " + answer.body.errors.length + " 个问题" + (detail ? "：" + detail : "，已标在对应栏目旁") + "。未提交任何内容。";
        status.textContent = status.textContent ? summary + status.textContent : summary;
      } finally {
        button.disabled = false;
      }
    });
  }

  function setupFiling(form) {
    const status = $("filing-status");
    const prepareFiling = () => {
      const body = filingBody(form);
      return body && { type: "manifest.filed", actor: body.generator, body };
    };
    dryRunAction($("dry-run"), status, {
      keyForm: form,
      prepare: prepareFiling,
      show(errors) { for (const error of errors) showViolation(form, error); return ""; },
    });
    $("basis").addEventListener("change", applyBasis);
    // 复制为新联单 pre-selects a basis that is still valid: bound the date by it, as choosing it does.
    const chosen = $("basis").selectedOptions[0];
    if (chosen && chosen.dataset.from) { $("plannedPickup").min = chosen.dataset.from; $("plannedPickup").max = chosen.dataset.to || ""; }
    const table = $("lines");
    table.addEventListener("change", (e) => {
      if (e.target.classList.contains("wasteCode")) fillFromCode(e.target.closest("tr"));
    });
    // 多行联单: a new line copies the first line's waste (code, name, hazards, form) and leaves packaging, packages and
    // tonnes empty; a line can be removed while more than one remains.
    $("add-line").addEventListener("click", () => {
      const row = table.querySelector("tr.line").cloneNode(true);
      for (const cls of ["packaging", "packages", "tonnes"]) row.querySelector("." + cls).value = "";
      row.querySelector(".form").value = table.querySelector("tr.line .form").value;
      for (const el of row.querySelectorAll(".invalid")) el.classList.remove("invalid");
      table.tBodies[0].appendChild(row);
    });
    table.addEventListener("click", (e) => {
      if (!e.target.classList.contains("remove-line")) return;
      if (table.querySelectorAll("tr.line").length > 1) e.target.closest("tr").remove();
    });
    signedAction($("sign-submit"), status, {
      keyForm: form,
      prepare() {
        const action = prepareFiling();
        if (!action) {
          status.className = "status bad";
          status.textContent = "请先改正标出的问题，未提交任何内容。";
        }
        return action;
      },
      accepted(answer) {
        const no = answer.assigned.manifestNo;
        $("assigned-no").textContent = no;
        $("assigned-link").href = "/ui/manifests/" + no;
        $("assigned-steps").href = "/ui/manifests/" + no + "/steps";
        $("filing-result").hidden = false;
        status.textContent = "已签名并提交，联单编号 " + no + "。";
      },
      refused(answer) {
        if (answer.body && answer.body.error) {
          showViolation(form, answer.body.error);
          if (!status.textContent) status.textContent = "未通过校验，台账未写入任何内容。";
        } else {
          status.textContent = "提交失败（HTTP " + answer.status + "），台账未写入任何内容。";
        }
      },
    });
  }

  // ---- 办理: the steps after filing ----

  /// "2025-02-01T09:30" typed in 北京时间 → "2025-02-01T01:30:00Z".
  function beijingToInstant(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text || "");
    if (!m) return null;
    const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4] - 8, +m[5], +(m[6] || 0));
    return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  const OPTIONAL = new Set(["note"]);
  /// The act fields' names as the ledger's R-TIME message gives them.
  const ACT_NAMES = { pickedUpAt: "起运时间", handedOverAt: "交接时间", deliveredAt: "送达时间" };

  /// Now in 北京时间 as a datetime-local value ("2026-12-06T23:05").
  function beijingNow() {
    return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 16);
  }

  /// Act times default to now and may not be set later (the browser's own check; the ledger's R-TIME judges again).
  function defaultActTimes(container) {
    for (const input of container.querySelectorAll("input[data-kind=instant]")) {
      const now = beijingNow();
      if (!input.value) input.value = now;
      input.max = now;
    }
  }

  /// The body of a step form, or null after writing every problem into `problems`.
  function stepBody(form, manifestNo, problems) {
    const body = { manifestNo };
    if (form.dataset.fromCarrier) body.fromCarrier = form.dataset.fromCarrier;
    for (const input of form.querySelectorAll("input[name]")) {
      const label = input.closest("label") ? input.closest("label").textContent.trim() : input.name;
      if (input.dataset.kind === "bool") { body[input.name] = input.checked; continue; }
      const value = input.value.trim();
      if (input.dataset.kind === "ifchanged" && value === input.dataset.was) continue;
      if (!value) {
        if (!OPTIONAL.has(input.name)) problems.push("请填写" + label);
        continue;
      }
      if (input.dataset.kind === "instant") {
        const instant = beijingToInstant(value);
        if (!instant) problems.push(label + "须为日期和时间");
        // R-TIME: the act may not be later than the signature about to be made (signedAt = now).
        else if (Date.parse(instant) > Date.now()) problems.push((ACT_NAMES[input.name] || label) + "晚于签名时间（现在），不能登记尚未发生的行为");
        else body[input.name] = instant;
      } else {
        body[input.name] = value;
      }
    }
    const rows = form.querySelectorAll("tr.rline");
    if (rows.length) {
      body.lines = [];
      rows.forEach((row) => {
        const line = Number(row.dataset.line);
        try {
          const grams = HWLTonnes.toGrams(row.querySelector(".received").value, { allowZero: true });
          const rejected = HWLTonnes.toGrams(row.querySelector(".rejected").value, { allowZero: true });
          const item = { line, grams };
          if (rejected > 0) item.rejectedGrams = rejected;
          body.lines.push(item);
        } catch (e) {
          problems.push("第 " + line + " 行：" + e.message);
        }
      });
    }
    // 提出更正: only the lines whose received tonnes change; a correction must change something.
    const corrected = form.querySelectorAll("tr.cline");
    if (corrected.length) {
      const lines = [];
      corrected.forEach((row) => {
        const text = row.querySelector(".grams").value.trim();
        if (text === row.dataset.was) return;
        try {
          lines.push({ line: Number(row.dataset.line), grams: HWLTonnes.toGrams(text, { allowZero: true }) });
        } catch (e) {
          problems.push("第 " + row.dataset.line + " 行：" + e.message);
        }
      });
      if (lines.length) body.lines = lines;
      else if (!body.method && !problems.length) problems.push("更正后的方式和接收量与现记录相同，没有需要更正的内容");
    }
    return problems.length ? null : body;
  }

  /// The body of the 退回 form (a manifest.filed with returnOf), or null after writing every problem into `problems`.
  function returnBody(form, manifestNo, me, problems) {
    const carrier = form.querySelector("[name=carrier]").value;
    if (!carrier) problems.push("请选择承运人");
    const plannedPickup = form.querySelector("[name=plannedPickup]").value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(plannedPickup)) problems.push("请填写计划转移日期");
    const lines = [];
    form.querySelectorAll("tr.retline").forEach((row) => {
      const d = row.dataset;
      const text = row.querySelector(".returned").value.trim();
      if (text === "" || text === "0") return;
      try {
        const packages = Number(row.querySelector(".packages").value.trim());
        if (!Number.isSafeInteger(packages) || packages < 1) throw new Error("件数须为正整数");
        lines.push({ wasteCode: d.wasteCode, name: d.name, hazards: d.hazards ? d.hazards.split(",") : [], form: d.form,
          packaging: d.packaging, packages, grams: HWLTonnes.toGrams(text) });
      } catch (e) {
        problems.push(d.wasteCode + "：" + e.message);
      }
    });
    if (!lines.length && !problems.length) problems.push("请填写至少一种废物的退回量");
    if (problems.length) return null;
    return { generator: me, carriers: [carrier], receiver: form.dataset.receiver, plannedPickup, method: form.dataset.method,
      basis: JSON.parse(form.dataset.basis), lines, returnOf: manifestNo };
  }

  function setupSteps(container) {
    const manifestNo = container.dataset.manifest;
    const me = container.dataset.me;
    const keyForm = $("key-form");
    defaultActTimes(container);
    for (const form of container.querySelectorAll("form.step-form")) {
      const status = form.querySelector(".status");
      const prepare = () => {
        const problems = [];
        const isReturn = form.id === "return-form";
        const body = isReturn ? returnBody(form, manifestNo, me, problems) : stepBody(form, manifestNo, problems);
        if (!body) {
          status.className = "status bad";
          status.textContent = problems.join("；") + "。未提交任何内容。";
          return null;
        }
        return { type: form.dataset.type, actor: me, body };
      };
      const check = form.querySelector(".step-check");
      if (check) {
        dryRunAction(check, status, {
          keyForm, prepare,
          show: (errors) => errors.map((e) => e.messageZh || e.message).join("；"),
        });
      }
      signedAction(form.querySelector(".step-submit"), status, {
        keyForm,
        prepare,
        accepted(answer) {
          status.textContent = "已签名并提交（台账序号 " + answer.index + "）。";
          const no = answer.assigned && answer.assigned.manifestNo;
          const result = form.querySelector(".return-result");
          if (no && result) {
            result.querySelector(".return-no").textContent = no;
            result.querySelector(".return-link").href = "/ui/manifests/" + no;
            result.hidden = false;
          }
        },
        refused(answer) { status.textContent = refusalText(answer); },
      });
    }
  }

  /// The ledger's refusal in the clerk's words; nothing was appended.
  function refusalText(answer) {
    const error = answer.body && answer.body.error;
    return (error ? (error.messageZh || error.message) : "提交失败（HTTP " + answer.status + "）") + "。台账未写入任何内容。";
  }

  // ---- 关闭季度结算 (compensation page; one form, the direction whose payee is the signed-in regulator) ----

  /// Signs compensation.statement.closed with the total and digest the page shows; the ledger recomputes the
  /// statement and refuses a close whose total or digest differ (R-STATEMENT).
  function setupClose(form) {
    const status = form.querySelector(".status");
    signedAction(form.querySelector(".step-submit"), status, {
      keyForm: form,
      prepare() {
        const d = form.dataset;
        const totalFen = Number(d.totalFen);
        if (!Number.isSafeInteger(totalFen)) {
          status.className = "status bad";
          status.textContent = "合计金额无法读取，请刷新页面。未提交任何内容。";
          return null;
        }
        return { type: d.type, actor: d.actor, body: { quarter: d.quarter, payer: d.payer, payee: d.payee, totalFen, digest: d.digest } };
      },
      accepted(answer) {
        status.textContent = "已签署并关闭（台账条目 " + answer.index + "）。";
        setTimeout(() => window.location.reload(), 1500);
      },
      refused(answer) { status.textContent = refusalText(answer); },
    });
  }

  function setup() {
    const filing = $("filing-form");
    if (filing) setupFiling(filing);
    const steps = $("steps");
    if (steps) setupSteps(steps);
    for (const form of document.querySelectorAll("form.close-form")) setupClose(form);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();

  // The regulators' forms (regulator.js) reuse the signing, 预检 and refusal wording.
  return { signEvent, post, fieldOf, beijingToInstant, signedAction, dryRunAction, refusalText };
})();
