#!/usr/bin/env python3
"""Writes fixtures/ledger/events.jsonl: the demo 2025 dataset of hwledger (川渝 hazardous-waste transfers).

Deterministic: the same key files give byte-identical output. Run from anywhere:

    python3 scripts/make-fixture-events.py            # writes fixtures/ledger/events.jsonl
    python3 scripts/make-fixture-events.py --table    # also prints the enterprise table (markdown) used in the README

Every event is {"type","actor","body"}; `actor` names the signer (a USCC, a REG-… id, or the origin for the
operator). Steps on a manifest refer to it as "@Mnn": the nn-th `manifest.filed` of this file (from 1), replaced by
scripts/build-fixture-ledger.py with the number the ledger assigned (SPEC §1: the ledger numbers manifests).
One line is not an event but a marked point, {"type":"@close","quarter","payer","payee","actor"}: there the build
script runs `hwledger compensation close`, because a close must carry the recomputed statement's total and digest.

Signing keys: fixtures/ledger/keys/<principal>.key (+ .vkey, the verifier key string). They are demo keys generated
once with `hwledger keygen` and committed; this script only creates the ones that are missing (needs the CLI then).

All enterprises are fictitious ("示例" in every name); their 统一社会信用代码 are computed here (GB 32100 check
character, SPEC §1) from the division and a serial "MA000…", so they cannot be mistaken for real registrations.
"""
import datetime as dt
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEDGER = os.path.join(ROOT, "fixtures", "ledger")
KEYS = os.path.join(LEDGER, "keys")
ORIGIN = "hwledger.example/sc-cq"
SC, CQ = "510000", "500000"
REG = {SC: "REG-510000", CQ: "REG-500000"}

# ---------------------------------------------------------------------------------------------------------- USCC
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check(first17):
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS))
    check = 31 - total % 31
    return CHARSET[0 if check == 31 else check]


def make_uscc(division, serial):
    """91 (企业, 工商) + division + 'MA' + 7-digit serial + check character."""
    first17 = "91" + division + "MA" + "%07d" % serial
    return first17 + uscc_check(first17)


for good in ["91350200776049653A", "91110000802100433B", "913502000728319549", "91440101MA5CJQ4N59"]:
    assert uscc_check(good[:17]) == good[17], good
assert uscc_check("91350203M0001QAY9B"[:17]) != "B"

# ---------------------------------------------------------------------------------------------------- enterprises
# alias: (name, division, roles)
ENTERPRISES = {
    # Sichuan
    "scA": ("成都示例电子科技有限公司", "510100", ["generator"]),
    "scB": ("德阳示例重型机械有限公司", "510600", ["generator"]),
    "scC": ("绵阳示例显示器件有限公司", "510700", ["generator"]),
    "scD": ("宜宾示例化工有限公司", "511500", ["generator"]),
    "scT1": ("成都示例危险货物运输有限公司", "510100", ["carrier"]),
    "scT2": ("泸州示例物流有限公司", "510500", ["carrier"]),
    "scR1": ("眉山示例再生资源有限公司", "511400", ["receiver", "utiliser"]),
    "scR2": ("广安示例环保科技有限公司", "511600", ["receiver"]),
    # Chongqing
    "cqA": ("重庆示例汽车零部件有限公司", "500157", ["generator"]),
    "cqB": ("重庆示例电子电路有限公司", "500106", ["generator"]),
    "cqC": ("重庆示例精细化工有限公司", "500102", ["generator"]),
    "cqT1": ("重庆示例危险品运输有限公司", "500107", ["carrier"]),
    "cqT2": ("重庆示例江津物流有限公司", "500116", ["carrier"]),
    "cqR1": ("重庆示例资源循环有限公司", "500115", ["receiver"]),
    "cqR2": ("重庆示例固废处置有限公司", "500118", ["receiver"]),
    "cqU": ("重庆示例铅业有限公司", "500117", ["utiliser"]),
    "cqR3": ("重庆示例照明回收有限公司", "500120", ["receiver"]),
    # Sichuan, registered in 2025 for the 点对点 pilot: a utiliser without an operating permit
    "scU": ("乐山示例净水材料有限公司", "511100", ["utiliser"]),
}
# enterprises registered later than the November 2024 registry: alias -> date
LATE_REGISTRATION = {"scU": "2025-05-06"}
U = {alias: make_uscc(div, i + 1) for i, (alias, (_, div, _)) in enumerate(ENTERPRISES.items())}


def province(alias):
    return ENTERPRISES[alias][1][:2] + "0000"


T = 1_000_000  # grams per tonne

# Operating permits (危险废物经营许可证) and transport permits.
OPERATING = [
    ("scR1", "川环危第511400001号", ["900-052-31", "900-045-49", "384-004-31"], ["R4"], 30_000 * T, "2023-03-01", "2028-02-29"),
    ("scR2", "川环危第511600002号", ["900-249-08", "900-214-08", "900-041-49", "900-039-49", "900-023-29"],
     ["R9", "D10", "D9"], 20_000 * T, "2022-07-01", "2027-06-30"),
    ("cqR1", "渝环危第500115001号", ["900-045-49", "900-023-29", "900-052-31", "900-044-49"], ["R4", "D9"],
     15_000 * T, "2024-01-01", "2028-12-31"),
    ("cqR2", "渝环危第500118002号", ["900-249-08", "900-214-08", "900-041-49", "900-039-49", "772-002-18", "336-064-17"],
     ["R9", "D10", "D1", "D9"], 50_000 * T, "2021-09-01", "2026-08-31"),
    ("cqU", "渝环危第500117003号", ["900-052-31"], ["R4"], 40_000 * T, "2024-05-01", "2029-04-30"),
    # deliberately small: its 2025 receipts exceed 12 t (A-CAPACITY)
    ("cqR3", "渝环危第500120004号", ["900-023-29", "900-044-49"], ["R4", "D9"], 12 * T, "2023-01-01", "2027-12-31"),
]
TRANSPORT = [
    ("scT1", "川交运管危字510100000101号", "2022-01-01", "2027-12-31"),
    ("scT2", "川交运管危字510500000202号", "2022-06-01", "2028-05-31"),
    ("cqT1", "渝交运管危字500107000301号", "2021-10-01", "2026-09-30"),
    ("cqT2", "渝交运管危字500116000402号", "2023-04-01", "2029-03-31"),
]

# Waste as it appears on a manifest line.
WASTE = {
    "900-052-31": ("废铅蓄电池", ["T", "C"], "固态", "耐酸周转箱"),
    "900-045-49": ("废线路板", ["T"], "固态", "吨袋"),
    "900-023-29": ("废荧光灯管", ["T"], "固态", "专用纸箱"),
    "900-249-08": ("废矿物油", ["T", "I"], "液态", "200L铁桶"),
    "900-214-08": ("废机油", ["T", "I"], "液态", "IBC吨桶"),
    "900-039-49": ("废活性炭", ["T"], "固态", "吨袋"),
    "900-041-49": ("沾染危险废物的废包装物", ["T", "In"], "固态", "吨袋"),
    "336-064-17": ("表面处理废槽液", ["T", "C"], "液态", "IBC吨桶"),
    "261-057-34": ("废硫酸", ["C", "T"], "液态", "耐酸槽罐"),
    "900-300-34": ("酸洗废盐酸", ["C", "T"], "液态", "耐酸槽罐"),
    "398-007-34": ("氧化物浸蚀废酸液", ["C", "T"], "液态", "IBC吨桶"),
}

# -------------------------------------------------------------------------------------------------------- events
EVENTS = []  # (sort instant, sequence, event)


def at(date, hhmm="10:00"):
    return f"{date}T{hhmm}:00Z"


def emit(when, typ, actor, body):
    EVENTS.append((when, len(EVENTS), {"type": typ, "actor": actor, "body": body}))


def actor_of(x):
    return U.get(x, x)


# Registry (November 2024: before anything else).
for alias, (name, div, roles) in ENTERPRISES.items():
    day = LATE_REGISTRATION.get(alias)
    emit(at(day, "01:00") if day else "2024-11-01T00:00:00Z", "enterprise.registered", REG[province(alias)],
         {"uscc": U[alias], "name": name, "division": div, "roles": roles})


def vkey(principal):
    with open(os.path.join(KEYS, key_file(principal) + ".vkey"), encoding="utf-8") as f:
        return f.read().strip()


def key_file(principal):
    return "operator" if principal == ORIGIN else principal


for alias in ENTERPRISES:
    day = LATE_REGISTRATION.get(alias)
    emit(at(day, "01:05") if day else "2024-11-02T00:00:00Z", "key.added", REG[province(alias)],
         {"principal": U[alias], "key": None})
for holder, no, codes, methods, cap, vf, vt in OPERATING:
    emit("2024-11-03T00:00:00Z", "permit.issued", REG[province(holder)],
         {"permitNo": no, "holder": U[holder], "kind": "operating", "wasteCodes": codes, "methods": methods,
          "capacityGrams": cap, "validFrom": vf, "validTo": vt})
for holder, no, vf, vt in TRANSPORT:
    emit("2024-11-03T00:00:00Z", "permit.issued", REG[province(holder)],
         {"permitNo": no, "holder": U[holder], "kind": "transport", "validFrom": vf, "validTo": vt})

# 2025 whitelists, published in December 2024 by each listing side, confirmed by the counterpart.
WL = {
    SC: [("scR1", "900-052-31", 5_000 * T, ["R4"]), ("scR1", "900-045-49", 2_000 * T, ["R4"]),
         ("scR2", "900-023-29", 500 * T, ["D9"]), ("scR2", "900-249-08", 3_000 * T, ["R9"])],
    CQ: [("cqR1", "900-045-49", 3_000 * T, ["R4"]), ("cqR1", "900-023-29", 800 * T, ["R4", "D9"]),
         ("cqU", "900-052-31", 200 * T, ["R4"]), ("cqR2", "900-249-08", 4_000 * T, ["R9"]),
         ("cqR3", "900-023-29", 100 * T, ["R4", "D9"])],
}
emit("2024-12-16T02:00:00Z", "whitelist.published", REG[SC],
     {"year": 2025, "listingProvince": SC, "counterpartProvince": CQ,
      "entries": [{"receiver": U[r], "wasteCode": c, "capGrams": g, "methods": m} for r, c, g, m in WL[SC]]})
emit("2024-12-18T02:00:00Z", "whitelist.published", REG[CQ],
     {"year": 2025, "listingProvince": CQ, "counterpartProvince": SC,
      "entries": [{"receiver": U[r], "wasteCode": c, "capGrams": g, "methods": m} for r, c, g, m in WL[CQ]]})
emit("2024-12-20T02:00:00Z", "whitelist.confirmed", REG[CQ], {"year": 2025, "listingProvince": SC})
emit("2024-12-23T02:00:00Z", "whitelist.confirmed", REG[SC], {"year": 2025, "listingProvince": CQ})

# ------------------------------------------------------------------------------------------ compensation rates
# SPEC §2.6: no official rate is published, so the tables are the SPEC's default *illustrative* table, labelled as
# such in their ids. Method factors: D1 1500, D10 and Y10–Y16 1200, D9 and D16 1000, C1–C3 800, R* 500. Y14 and Y15
# are not in fixtures/reference/disposal_method_codes.csv (the ledger rejects unknown method keys, R-METHOD-CODE), so
# only the Y codes the reference knows are listed.
METHOD_PERMILLE = {"D1": 1500, "D10": 1200, "Y10": 1200, "Y11": 1200, "Y12": 1200, "Y13": 1200, "Y16": 1200,
                   "D9": 1000, "D16": 1000, "C1": 800, "C2": 800, "C3": 800, "R*": 500}
CATEGORY_PERMILLE = {"HW18": 1500, "HW17": 1200, "HW48": 1200}


def rate_table(table_id, effective, bases, published_by, published, confirmed):
    """bases: {(payer, payee): fen per tonne}; published by one regulator, confirmed by the other."""
    emit(at(published, "02:00"), "compensation.rates.published", REG[published_by],
         {"rateTableId": table_id, "effectiveFrom": effective,
          "directions": [{"payer": a, "payee": b, "baseFenPerTonne": fen} for (a, b), fen in bases.items()],
          "categoryPermille": CATEGORY_PERMILLE, "defaultCategoryPermille": 1000, "methodPermille": METHOD_PERMILLE,
          "p2pPermille": 0})
    other = CQ if published_by == SC else SC
    emit(at(confirmed, "02:00"), "compensation.rates.confirmed", REG[other], {"rateTableId": table_id})


# In force from 2025-01-01: published by Sichuan, confirmed by Chongqing before the first 2025 receipt.
rate_table("ILLUSTRATIVE-2025-01", "2025-01-01", {(SC, CQ): 10_000, (CQ, SC): 10_000}, SC, "2024-12-24", "2024-12-27")
# A rate change inside 2025Q3: from 2025-08-01 Sichuan pays 120 元/t for what Chongqing handles; the other way is
# unchanged. Published by Chongqing, confirmed by Sichuan in July, before the August receipts.
rate_table("ILLUSTRATIVE-2025-02", "2025-08-01", {(SC, CQ): 12_000, (CQ, SC): 10_000}, CQ, "2025-07-10", "2025-07-17")

# ------------------------------------------------------------------------------------------------------ approvals
APPROVALS = {}  # key -> dict(approvalNo, generator, receiver, code, method)
_serial = {SC: 0, CQ: 0}


def apply(key, gen, rec, code, grams, method, vf, vt, applied_on):
    app_id = f"SQ-{province(gen)}-2025-{key}"
    emit(at(applied_on, "01:00"), "approval.applied", U[gen],
         {"applicationId": app_id, "generator": U[gen], "receiver": U[rec], "wasteCode": code, "grams": grams,
          "method": method, "validFrom": vf, "validTo": vt, "appliedOn": applied_on})
    APPROVALS[key] = {"id": app_id, "gen": gen, "rec": rec, "code": code, "method": method,
                      "origin": REG[province(gen)], "dest": REG[province(rec)]}
    return APPROVALS[key]


def decide_approved(a, on, grams, vf, vt):
    prov = a["origin"][4:]
    _serial[prov] += 1
    no = ("川环危转〔2025〕%d号" if prov == SC else "渝环危转〔2025〕%d号") % _serial[prov]
    a["approvalNo"] = no
    emit(at(on, "06:00"), "approval.decided", a["origin"],
         {"applicationId": a["id"], "decision": "approved", "decidedOn": on, "approvalNo": no, "grams": grams,
          "validFrom": vf, "validTo": vt})


def full_route(a, reviewed, requested, replied, opinion="agree", reason=None):
    emit(at(reviewed, "03:00"), "approval.reviewed", a["origin"],
         {"applicationId": a["id"], "opinion": "agree", "reviewedOn": reviewed})
    emit(at(requested, "03:00"), "approval.consultation.requested", a["origin"],
         {"applicationId": a["id"], "requestedOn": requested})
    body = {"applicationId": a["id"], "opinion": opinion, "repliedOn": replied}
    if reason:
        body["reason"] = reason
    emit(at(replied, "04:00"), "approval.consultation.replied", a["dest"], body)


def notified(a, on):
    emit(at(on, "07:00"), "approval.notified", a["origin"], {"applicationId": a["id"], "notifiedOn": on})


# Full route, approved: 宜宾 chemicals → 永川 incineration (not on the whitelist).
AP1 = apply("001", "scD", "cqR2", "900-039-49", 300 * T, "D10", "2025-02-01", "2025-12-31", "2025-01-06")
full_route(AP1, "2025-01-09", "2025-01-10", "2025-01-20")
decide_approved(AP1, "2025-01-23", 300 * T, "2025-02-01", "2025-12-31")
# Full route, denied: the destination disagrees.
AP2 = apply("002", "scB", "cqR2", "336-064-17", 120 * T, "D9", "2025-04-01", "2026-03-31", "2025-03-03")
full_route(AP2, "2025-03-06", "2025-03-07", "2025-03-17", "disagree", "接受单位该类废物物化处理能力已满负荷，暂不同意接收")
emit(at("2025-03-20", "06:00"), "approval.decided", AP2["origin"],
     {"applicationId": AP2["id"], "decision": "denied", "decidedOn": "2025-03-20",
      "reason": "移入地生态环境主管部门不同意移入"})
# Full route with a completeness notice (一次性告知) and a supplement: 涪陵 chemicals → 广安 incineration.
AP3 = apply("003", "cqC", "scR2", "900-041-49", 80 * T, "D10", "2025-05-15", "2026-05-14", "2025-04-07")
emit(at("2025-04-09", "02:00"), "approval.incomplete", AP3["origin"],
     {"applicationId": AP3["id"], "missing": ["危险废物特性说明及包装方式", "运输路线及应急预案"], "notifiedOn": "2025-04-09"})
emit(at("2025-04-16", "02:00"), "approval.supplemented", U["cqC"], {"applicationId": AP3["id"], "supplementedOn": "2025-04-16"})
full_route(AP3, "2025-04-21", "2025-04-22", "2025-04-30")
decide_approved(AP3, "2025-05-08", 80 * T, "2025-05-15", "2026-05-14")
# Full route, approved: 渝北 waste engine oil → 广安 (900-214-08 is not on Sichuan's whitelist).
AP4 = apply("004", "cqA", "scR2", "900-214-08", 150 * T, "R9", "2025-07-01", "2026-06-30", "2025-06-03")
full_route(AP4, "2025-06-05", "2025-06-06", "2025-06-16")
decide_approved(AP4, "2025-06-19", 150 * T, "2025-07-01", "2026-06-30")

# Whitelist route: direct decision, then approval.notified to the listing side.
AW1 = apply("101", "scA", "cqR1", "900-045-49", 600 * T, "R4", "2025-02-01", "2025-12-31", "2025-01-13")
decide_approved(AW1, "2025-01-16", 600 * T, "2025-02-01", "2025-12-31")
notified(AW1, "2025-01-17")
AW2 = apply("102", "scC", "cqR1", "900-023-29", 60 * T, "R4", "2025-02-15", "2025-12-31", "2025-02-10")
decide_approved(AW2, "2025-02-13", 60 * T, "2025-02-15", "2025-12-31")
notified(AW2, "2025-02-14")
AW4 = apply("103", "cqA", "scR1", "900-052-31", 400 * T, "R4", "2025-03-01", "2025-12-31", "2025-02-17")
decide_approved(AW4, "2025-02-20", 400 * T, "2025-03-01", "2025-12-31")
notified(AW4, "2025-02-21")
# Over-quota: cqU's entry caps 900-052-31 at 200 t; 260 t requested; the listing side consents to 80 t more.
AW3 = apply("104", "scB", "cqU", "900-052-31", 260 * T, "R4", "2025-03-20", "2025-12-31", "2025-03-10")
emit(at("2025-03-12", "05:00"), "whitelist.overquota.consented", AW3["dest"], {"applicationId": AW3["id"], "extraGrams": 80 * T})
decide_approved(AW3, "2025-03-14", 260 * T, "2025-03-20", "2025-12-31")
notified(AW3, "2025-03-17")
AW5 = apply("105", "cqB", "scR1", "900-045-49", 300 * T, "R4", "2025-04-20", "2025-12-31", "2025-04-14")
decide_approved(AW5, "2025-04-17", 300 * T, "2025-04-20", "2025-12-31")
notified(AW5, "2025-04-18")
AW6 = apply("106", "scC", "cqR3", "900-023-29", 30 * T, "R4", "2025-05-20", "2025-12-31", "2025-05-12")
decide_approved(AW6, "2025-05-15", 30 * T, "2025-05-20", "2025-12-31")
notified(AW6, "2025-05-16")

# ------------------------------------------------------------------------------------------------------ manifests
class M:
    """A manifest of the dataset; steps append events. `ref` is its @Mnn placeholder, fixed after sorting."""

    def __init__(self, gen, carriers, rec, pickup, method, basis, lines, return_of=None):
        self.gen, self.carriers, self.rec, self.pickup, self.method = gen, carriers, rec, pickup, method
        self.lines = lines
        self.label = "@@%d" % len(MANIFESTS)
        MANIFESTS.append(self)
        body = {"generator": U[gen], "carriers": [U[c] for c in carriers], "receiver": U[rec], "plannedPickup": pickup,
                "method": method, "basis": basis,
                "lines": [{"wasteCode": c, "name": WASTE[c][0], "hazards": WASTE[c][1], "form": WASTE[c][2],
                           "packaging": WASTE[c][3], "packages": pk, "grams": g} for c, g, pk in lines]}
        if return_of is not None:
            body["returnOf"] = return_of.label
        # filed two days before the pickup; a return the day before (after the rejection it carries back)
        if return_of is None:
            filed = at(plus(pickup, -2), "01:30")
        else:
            filed = at(plus(pickup, -1), "03:00")
        emit(filed, "manifest.filed", U[gen], body)

    @property
    def grams(self):
        return sum(g for _, g, _ in self.lines)

    def picked_up(self, when, plate, driver):
        emit(when, "manifest.pickedUp", U[self.carriers[0]],
             {"manifestNo": self.label, "vehiclePlate": plate, "driver": driver, "pickedUpAt": when})
        return self

    def handed_over(self, when, plate, driver):
        emit(when, "manifest.handedOver", U[self.carriers[1]],
             {"manifestNo": self.label, "fromCarrier": U[self.carriers[0]], "vehiclePlate": plate, "driver": driver,
              "handedOverAt": when})
        return self

    def received(self, when, lines=None, discrepancy=False, note=None, method=None):
        """lines: list of (received, rejected) per manifest line; default: all received."""
        lines = lines or [(g, 0) for _, g, _ in self.lines]
        out = []
        for i, (g, rej) in enumerate(lines):
            item = {"line": i + 1, "grams": g}
            if rej:
                item["rejectedGrams"] = rej
            out.append(item)
        body = {"manifestNo": self.label, "deliveredAt": when, "method": method or self.method, "lines": out,
                "significantDiscrepancy": discrepancy}
        if note:
            body["note"] = note
        emit(when, "manifest.received", U[self.rec], body)
        return self

    def rejected(self, when, reason):
        emit(when, "manifest.rejected", U[self.rec], {"manifestNo": self.label, "deliveredAt": when, "reason": reason})
        return self

    def cancelled(self, when, reason):
        emit(when, "manifest.cancelled", U[self.gen], {"manifestNo": self.label, "reason": reason})
        return self

    def correction(self, proposer, when, cid, reason, approvers, lines=None, method=None):
        body = {"manifestNo": self.label, "correctionId": cid, "reason": reason}
        if lines:
            body["lines"] = [{"line": n, "grams": g} for n, g in lines]
        if method:
            body["method"] = method
        emit(when, "manifest.correction.proposed", U[proposer], body)
        t = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
        for i, who in enumerate(approvers):
            t2 = (t + dt.timedelta(days=i + 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            emit(t2, "manifest.correction.approved", U[who], {"manifestNo": self.label, "correctionId": cid})
        return self


MANIFESTS = []
INTRA = {"intraProvince": True}


def by(a):
    return {"approval": a["approvalNo"]}


def ts(date, hhmm):
    return at(date, hhmm)


def plus(date, days):
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


PLATES = {"scT1": ("川A·D3721", "张建国"), "scT2": ("川E·H0568", "李志强"),
          "cqT1": ("渝A·F9352", "王德明"), "cqT2": ("渝B·K2217", "陈永福")}


def trip(m, date, deliver_days=0, deliver_at="07:30", handover=False, **recv):
    """Pick up on `date` 01:00Z (09:00 Shanghai), optionally hand over, deliver `deliver_days` later."""
    first = m.carriers[0]
    m.picked_up(ts(date, "01:00"), *PLATES[first])
    if handover:
        m.handed_over(ts(date, "04:30") if deliver_days else ts(date, "04:00"), *PLATES[m.carriers[1]])
    m.received(ts(plus(date, deliver_days), deliver_at), **recv)
    return m


def lines(code, grams, packages):
    return [(code, grams, packages)]


# --- intra-province, Sichuan ---
for d, g, pk in [("2025-01-15", 6_200_000, 8), ("2025-04-10", 7_450_000, 10), ("2025-07-16", 5_980_000, 8),
                 ("2025-10-22", 6_730_000, 9)]:
    MS_A = M("scA", ["scT1"], "scR1", d, "R4", INTRA, lines("900-045-49", g, pk))
    trip(MS_A, d, 0)
SC_A_Q2 = MANIFESTS[1]  # corrected below
for d, g, pk in [("2025-02-19", 12_400_000, 24), ("2025-05-21", 10_850_000, 21), ("2025-09-10", 11_300_000, 22)]:
    trip(M("scB", ["scT2"], "scR1", d, "R4", INTRA, lines("900-052-31", g, pk)), d, 1)
for d, g, pk in [("2025-03-12", 8_000_000, 40), ("2025-08-13", 7_600_000, 38)]:
    trip(M("scB", ["scT2"], "scR2", d, "R9", INTRA, lines("900-249-08", g, pk)), d, 0)
CANCEL_SC = M("scB", ["scT2"], "scR2", "2025-06-18", "R9", INTRA, lines("900-249-08", 6_000_000, 30))
CANCEL_SC.cancelled(ts("2025-06-17", "02:00"), "设备检修推迟，废矿物油暂存期未满，取消本次转移")
for d, g, pk in [("2025-03-26", 1_850_000, 62), ("2025-11-12", 2_100_000, 70)]:
    trip(M("scC", ["scT1"], "scR2", d, "D9", INTRA, lines("900-023-29", g, pk)), d, 0)
for d in ["2025-04-23", "2025-12-03"]:
    trip(M("scD", ["scT2"], "scR2", d, "D10", INTRA,
           [("900-039-49", 4_500_000, 9), ("900-041-49", 1_200_000, 12)]), d, 0)
trip(M("scD", ["scT2"], "scR2", "2025-08-27", "D10", INTRA, lines("900-041-49", 2_300_000, 23)), "2025-08-27", 0)

# --- intra-province, Chongqing ---
for d, g, pk in [("2025-01-22", 9_600_000, 20), ("2025-05-14", 10_200_000, 21), ("2025-09-17", 8_900_000, 18)]:
    trip(M("cqA", ["cqT1"], "cqU", d, "R4", INTRA, lines("900-052-31", g, pk)), d, 0)
OIL = []
for d, g, pk in [("2025-02-26", 5_000_000, 5), ("2025-06-25", 5_000_000, 5), ("2025-11-05", 4_800_000, 5)]:
    OIL.append(M("cqA", ["cqT2"], "cqR2", d, "R9", INTRA, lines("900-214-08", g, pk)))
trip(OIL[0], "2025-02-26", 0)
trip(OIL[1], "2025-06-25", 0, lines=[(4_600_000, 0)], discrepancy=True,
     note="实收4.600吨，较联单少0.400吨（8%），1个吨桶底阀渗漏，已拍照留存并报告属地生态环境部门")
trip(OIL[2], "2025-11-05", 0)
CQB_R1 = []
for d, g, pk in [("2025-03-05", 4_200_000, 6), ("2025-07-09", 3_900_000, 6), ("2025-10-15", 4_400_000, 7)]:
    CQB_R1.append(M("cqB", ["cqT1"], "cqR1", d, "R4", INTRA, lines("900-045-49", g, pk)))
trip(CQB_R1[0], "2025-03-05", 0)
trip(CQB_R1[1], "2025-07-09", 0, lines=[(3_300_000, 600_000)],
     note="1袋混入含液态电解液电容器，超出本单位接收标准，拒收0.600吨")
trip(CQB_R1[2], "2025-10-15", 0)
RET_CQ = M("cqR1", ["cqT1"], "cqB", "2025-07-14", "R4", INTRA, lines("900-045-49", 600_000, 1), return_of=CQB_R1[1])
trip(RET_CQ, "2025-07-14", 0, deliver_at="06:00")
# 璧山 lamp recycler: 2.5 t a quarter from 沙坪坝 (its permit allows 12 t a year, see AW6 below).
for d, g, pk in [("2025-02-12", 2_500_000, 84), ("2025-05-07", 2_500_000, 84), ("2025-08-06", 2_500_000, 84),
                 ("2025-11-19", 2_500_000, 84)]:
    trip(M("cqB", ["cqT2"], "cqR3", d, "R4", INTRA, lines("900-023-29", g, pk)), d, 0)
for d, code, g, pk in [("2025-03-19", "900-041-49", 1_600_000, 16), ("2025-06-11", "900-041-49", 1_450_000, 15),
                       ("2025-09-24", "900-041-49", 1_700_000, 17), ("2025-12-10", "900-041-49", 1_550_000, 16)]:
    trip(M("cqC", ["cqT2"], "cqR2", d, "D10", INTRA, lines(code, g, pk)), d, 0)

# --- cross-province, full route ---
AP1_M = []
for d, g, pk in [("2025-02-18", 24_000_000, 24), ("2025-05-20", 26_500_000, 27), ("2025-08-19", 25_000_000, 25),
                 ("2025-11-18", 23_800_000, 24)]:
    AP1_M.append(M("scD", ["scT2", "cqT2"], "cqR2", d, "D10", by(AP1), lines("900-039-49", g, pk)))
trip(AP1_M[0], "2025-02-18", 1, handover=True)
trip(AP1_M[1], "2025-05-20", 1, handover=True)
AP1_M[2].picked_up(ts("2025-08-19", "01:00"), *PLATES["scT2"])
AP1_M[2].handed_over(ts("2025-08-19", "05:00"), *PLATES["cqT2"])
AP1_M[2].rejected(ts("2025-08-20", "02:00"), "包装吨袋破损且部分废活性炭受潮结块、标签与实物不符，整车拒收")
RET_AP1 = M("cqR2", ["cqT2", "scT2"], "scD", "2025-08-22", "D10", by(AP1), lines("900-039-49", 25_000_000, 25),
            return_of=AP1_M[2])
trip(RET_AP1, "2025-08-22", 1, handover=True)
trip(AP1_M[3], "2025-11-18", 1, handover=True)
AP3_M = []
for d, g, pk in [("2025-05-27", 18_000_000, 18), ("2025-08-26", 21_000_000, 21), ("2025-12-09", 19_500_000, 20)]:
    AP3_M.append(M("cqC", ["cqT1"], "scR2", d, "D10", by(AP3), lines("900-041-49", g, pk)))
    trip(AP3_M[-1], d, 1)
for d, g, pk in [("2025-07-15", 30_000_000, 30), ("2025-10-21", 28_400_000, 29)]:
    trip(M("cqA", ["cqT2", "scT1"], "scR2", d, "R9", by(AP4), lines("900-214-08", g, pk)), d, 1, handover=True)

# --- cross-province, whitelist route ---
AW1_M = []
for d, g, pk in [("2025-02-25", 42_000_000, 40), ("2025-05-13", 45_500_000, 44), ("2025-08-12", 39_800_000, 38),
                 ("2025-11-11", 44_100_000, 42)]:
    AW1_M.append(M("scA", ["scT1", "cqT1"], "cqR1", d, "R4", by(AW1), lines("900-045-49", g, pk)))
    trip(AW1_M[-1], d, 1, handover=True)
AW1_M[0].correction("cqR1", "2025-03-10T02:00:00Z", "JZ-2025-001", "地磅年度检定后复核，实收重量更正为41.850吨",
                    ["scA", "scT1", "cqT1"], lines=[(1, 41_850_000)])
for d, g, pk in [("2025-03-04", 3_200_000, 110), ("2025-07-08", 3_050_000, 104), ("2025-09-09", 2_900_000, 98)]:
    trip(M("scC", ["scT1"], "cqR1", d, "R4", by(AW2), lines("900-023-29", g, pk)), d, 1)
AW3_M = []
for d, g, pk in [("2025-03-25", 62_000_000, 120), ("2025-06-10", 58_000_000, 112), ("2025-06-24", 60_000_000, 118),
                 ("2025-09-16", 61_500_000, 121), ("2025-12-16", 17_000_000, 33)]:
    AW3_M.append(M("scB", ["scT2", "cqT1"], "cqU", d, "R4", by(AW3), lines("900-052-31", g, pk)))
trip(AW3_M[0], "2025-03-25", 1, handover=True)
AW3_M[1].cancelled(ts("2025-06-09", "03:00"), "接受单位炉窑检修，改期转移")
trip(AW3_M[2], "2025-06-24", 1, handover=True)
trip(AW3_M[3], "2025-09-16", 1, handover=True)
# AW3_M[4]: filed in December for a pickup not yet done at year end (stays `filed`).
AW4_M = []
for d, g, pk in [("2025-03-18", 80_000_000, 160), ("2025-06-17", 75_000_000, 150), ("2025-09-23", 82_000_000, 165),
                 ("2025-12-02", 78_500_000, 158)]:
    AW4_M.append(M("cqA", ["cqT1", "scT1"], "scR1", d, "R4", by(AW4), lines("900-052-31", g, pk)))
trip(AW4_M[0], "2025-03-18", 1, handover=True)
trip(AW4_M[1], "2025-06-17", 1, handover=True, lines=[(73_800_000, 1_200_000)],
     note="3只电池外壳破裂、酸液渗漏，不符合接收条件，拒收1.200吨，另单退回")
RET_AW4 = M("scR1", ["scT1"], "cqA", "2025-06-20", "R4", by(AW4), lines("900-052-31", 1_200_000, 3), return_of=AW4_M[1])
trip(RET_AW4, "2025-06-20", 1)
trip(AW4_M[2], "2025-09-23", 1, handover=True)
trip(AW4_M[3], "2025-12-02", 1, handover=True)
for d, g, pk in [("2025-04-22", 36_000_000, 34), ("2025-07-22", 38_500_000, 37), ("2025-10-28", 35_200_000, 34)]:
    trip(M("cqB", ["cqT2"], "scR1", d, "R4", by(AW5), lines("900-045-49", g, pk)), d, 1)
AW6_M = []
for d, g, pk in [("2025-06-04", 2_000_000, 68), ("2025-09-03", 2_200_000, 75), ("2025-11-20", 1_900_000, 64)]:
    AW6_M.append(M("scC", ["scT1"], "cqR3", d, "R4", by(AW6), lines("900-023-29", g, pk)))
trip(AW6_M[0], "2025-06-04", 1)
trip(AW6_M[1], "2025-09-03", 1)
# Left in transit: picked up 2025-11-20, never received (A-IN-TRANSIT-OVERDUE).
AW6_M[2].picked_up(ts("2025-11-20", "01:00"), *PLATES["scT1"])

# --- 点对点 定向利用豁免 (SPEC §2.5): Sichuan pairs, registered by REG-510000 ---
# The utiliser scU (乐山, registered in May 2025) holds no 经营许可证: under an active pair it needs none; the waste
# still travels on manifests with the registration as basis, by permitted carriers.
P2P = {}


def p2p_register(key, gen, code, use, cap, declared, on, vf, vt):
    no = "川环点对点〔2025〕%d号" % key
    emit(at(on, "06:00"), "p2p.registered", REG[SC],
         {"registrationNo": no, "generator": U[gen], "utiliser": U["scU"], "wasteCode": code, "substituteUse": use,
          "capGrams": cap, "validFrom": vf, "validTo": vt, "declaredAnnualGrams": declared,
          "controlledDrugProduction": False, "generalExemptionApplies": False})
    P2P[key] = {"no": no, "gen": gen, "code": code}
    return P2P[key]


PA = p2p_register(1, "scD", "261-057-34", "替代工业硫酸生产聚合硫酸铁净水剂", 1_200 * T, 1_500 * T,
                  "2025-06-10", "2025-06-15", "2026-06-14")
PB = p2p_register(2, "scB", "900-300-34", "替代工业盐酸生产聚合氯化铝净水剂", 300 * T, 360 * T,
                  "2025-06-12", "2025-06-15", "2026-06-14")
PC = p2p_register(3, "scC", "398-007-34", "替代工业酸调节聚合硫酸铁生产工序pH", 120 * T, 150 * T,
                  "2025-06-20", "2025-07-01", "2026-06-30")
P2P_M = []
for reg, carrier, d, g in [(PA, "scT2", "2025-07-03", 29_400_000), (PB, "scT1", "2025-07-10", 24_800_000),
                           (PC, "scT1", "2025-07-24", 9_600_000), (PA, "scT2", "2025-08-07", 30_100_000),
                           (PB, "scT1", "2025-08-21", 25_600_000), (PA, "scT2", "2025-09-04", 28_700_000),
                           (PB, "scT1", "2025-09-18", 23_900_000)]:
    P2P_M.append(M(reg["gen"], [carrier], "scU", d, "R5", {"p2p": reg["no"]}, lines(reg["code"], g, 1)))
    trip(P2P_M[-1], d, 0, deliver_at="06:30")
# The third pair is revoked in August: the utiliser's product failed a spot check.
emit(at("2025-08-15", "06:00"), "p2p.revoked", REG[SC],
     {"registrationNo": PC["no"], "revokedOn": "2025-08-15",
      "reason": "利用单位聚合硫酸铁产品抽检重金属指标超标，利用过程不符合豁免条件，撤销登记"})

# --- compensation: close 2025Q2 (Sichuan pays Chongqing), then a correction to a closed-quarter receipt ---
# "@close" is not a ledger event: scripts/build-fixture-ledger.py runs `hwledger compensation close` there, so the
# close carries the totalFen and digest of the statement the ledger recomputes (SPEC §2.6, R-STATEMENT).
EVENTS.append((at("2025-07-21", "02:00"), len(EVENTS),
               {"type": "@close", "quarter": "2025Q2", "payer": SC, "payee": CQ, "actor": REG[CQ]}))
# After the close, the receiver finds the 2025-05-14 weighing wrong: the approved correction becomes an adjustment
# in 2025Q3's statement (the first quarter after 2025Q2 still open).
AW1_M[1].correction("cqR1", "2025-08-04T02:00:00Z", "JZ-2025-003",
                    "季度对账复核发现入厂地磅未扣除托盘皮重，实收重量更正为45.320吨", ["scA", "scT1", "cqT1"],
                    lines=[(1, 45_320_000)])

# A correction on an intra-province receipt, proposed by the generator, approved by the carrier and the receiver.
SC_A_Q2.correction("scA", "2025-04-21T03:00:00Z", "JZ-2025-002", "联单填报时件数与重量录入错误，经双方复磅确认为7.405吨",
                   ["scT1", "scR1"], lines=[(1, 7_405_000)])


# ------------------------------------------------------------------------------------------------------- output
def order_key(item):
    when, seq, _ = item
    return (when, seq)


def main():
    os.makedirs(KEYS, exist_ok=True)
    ensure_keys()
    ordered = sorted(EVENTS, key=order_key)
    # number the manifests in filing order, then replace the labels
    refs = {}
    n = 0
    label_of_body = {}
    for _, _, e in ordered:
        if e["type"] == "manifest.filed":
            n += 1
            label_of_body[id(e["body"])] = "@M%02d" % n
    # labels were attached to M objects in creation order, which is the order of their filed events in EVENTS
    filed_bodies = [e["body"] for _, _, e in EVENTS if e["type"] == "manifest.filed"]
    for m, body in zip(MANIFESTS, filed_bodies):
        refs[m.label] = label_of_body[id(body)]

    def subst(x):
        if isinstance(x, dict):
            return {k: subst(v) for k, v in x.items()}
        if isinstance(x, list):
            return [subst(v) for v in x]
        if isinstance(x, str) and x in refs:
            return refs[x]
        return x

    out = []
    for _, _, e in ordered:
        e = subst(e)
        if e["type"] == "key.added":
            e["body"]["key"] = vkey(e["body"]["principal"])
        out.append(json.dumps(e, ensure_ascii=False, sort_keys=False, separators=(",", ":")))
    path = os.path.join(LEDGER, "events.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {path}: {len(out)} events, {len(MANIFESTS)} manifests, {len(ENTERPRISES)} enterprises",
          file=sys.stderr)
    if "--table" in sys.argv:
        print("| alias | USCC | name | division | roles |\n|---|---|---|---|---|")
        for alias, (name, div, roles) in ENTERPRISES.items():
            print(f"| {alias} | `{U[alias]}` | {name} | {div} | {', '.join(roles)} |")


def cli():
    env = os.environ.get("HWLEDGER")
    if env:
        return env
    for c in (".build/debug/hwledger", ".build/release/hwledger"):
        p = os.path.join(ROOT, c)
        if os.path.exists(p):
            return p
    sys.exit("hwledger CLI not found: build it (swift build --product hwledger) or set HWLEDGER")


def ensure_keys():
    """Creates the missing demo keys once (operator, both regulators, every enterprise)."""
    principals = [ORIGIN, REG[SC], REG[CQ]] + [U[a] for a in ENTERPRISES]
    for p in principals:
        key = os.path.join(KEYS, key_file(p) + ".key")
        vk = os.path.join(KEYS, key_file(p) + ".vkey")
        if os.path.exists(key) and os.path.exists(vk):
            continue
        if os.path.exists(key):
            sys.exit(f"{key} exists without its .vkey; restore it from git")
        out = subprocess.run([cli(), "keygen", "--name", p, "--out", key], check=True, capture_output=True, text=True)
        with open(vk, "w", encoding="utf-8") as f:
            f.write(out.stdout.strip() + "\n")
        print(f"generated demo key {key}", file=sys.stderr)


if __name__ == "__main__":
    main()
