#!/usr/bin/env python3
"""bench/gen.py DIR N [SEED]: write N realistic, valid customer records
(~3.7 KB each: Chinese and English text, contacts, needs, a decision chain,
tags, a stage history, dates, notes and follow-ups) under DIR/customers/,
as crm would lay them out (customers/YYYY/MM/ID.yaml, team ming/li/sarah).
Deterministic for a given seed."""
import os
import random
import sys

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"]
CITIES = ["上海", "杭州", "苏州", "南京", "宁波", "无锡", "合肥", "常州", "嘉兴", "绍兴", "温州", "南通"]
INDUSTRIES = ["智能制造", "电子商务", "食品加工", "纺织服装", "医药流通", "汽车零部件", "家居建材", "冷链物流", "跨境贸易", "新能源"]
WORDS = ["科技", "实业", "贸易", "物流", "电子", "机械", "精密", "供应链", "新材料", "智能", "包装", "食品"]
SIZES = ["1-50", "50-200", "200-500", "500-1000", "1000+"]
TITLES = ["采购经理", "总经理", "仓储主管", "IT负责人", "财务总监", "运营总监", "技术部主管", "副总经理"]
ROLES = ["decision-maker", "influencer", "user", "contact"]
SOURCES = ["online", "referral", "trade-show", "cold-call", "other"]
STAGES = ["initial", "needs", "proposal", "negotiation", "won", "lost"]
VIAS = ["phone", "visit", "onsite", "email", "meeting", "im", "other"]
RESULTS = ["progressed", "no-change", "setback", "no-response"]
PRIORITY_DAYS = {"high": 3, "medium": 7, "low": 14}
TEAM = ["ming", "li", "sarah"]
TAGS = ["预算敏感", "决策链复杂", "高意向", "老客户推荐", "价格敏感", "需要演示", "VIP", "repeat", "节日前促单", "小微版"]
SUMMARIES = [
    "介绍智能仓储系统A，客户关注成本控制和上线周期",
    "电话回访，确认需求：多仓库库存统一管理，扫码出入库",
    "上门拜访，参观现有仓库，记录货架布局和拣货流程",
    "发送报价单和三家同类企业的应用案例，等待客户内部讨论",
    "视频会议演示波次拣货和库位推荐，IT负责人提了接口问题",
    "Call with the buyer, who compares us with two local vendors on price",
    "微信沟通合同条款，客户希望分两期付款，首期百分之四十",
    "Sent the revised proposal with the scanner bundle and on-site training",
]
FEEDBACK = [
    "需提供3家同类企业应用案例", "预算要等下季度审批", "对价格比较满意，关注售后响应时间",
    "希望先试用一个仓库", "Wants a reference customer in the same industry", "决策人出差，下周再约",
]
ACTIONS = ["发送案例资料", "预约上门演示", "跟进报价审批", "发送合同草稿", "电话确认试用安排", "Send the updated quote"]


def date_add(y, m, d, days):
    import datetime
    x = datetime.date(y, m, d) + datetime.timedelta(days=days)
    return x.year, x.month, x.day


def fmt(t):
    return "%04d-%02d-%02d" % t


def person_name(r):
    return r.choice(SURNAMES) + r.choice(GIVEN)


def phone(r):
    return "1" + r.choice("3589") + "".join(r.choice("0123456789") for _ in range(9))


def record(r, rid, fc, n_seq):
    kind = "company" if r.random() < 0.75 else "person"
    city = r.choice(CITIES)
    name = (city + r.choice(WORDS) + r.choice(WORDS) + "有限公司") if kind == "company" else person_name(r)
    owner = r.choice(TEAM)
    stage = r.choices(STAGES, weights=[3, 3, 3, 2, 2, 1])[0]
    L = []
    L.append("# yaml-language-server: $schema=../../../schema/customer.schema.yaml")
    L.append('id: "%s"' % rid)
    L.append("name: %s" % name)
    L.append("kind: %s" % kind)
    L.append("source: %s" % r.choice(SOURCES))
    L.append("owner: %s" % owner)
    L.append("first_contact: {date: %s, by: %s}" % (fmt(fc), owner))
    if kind == "company":
        L.append("company:")
        L.append("  industry: %s" % r.choice(INDUSTRIES))
        L.append('  size: "%s"' % r.choice(SIZES))
        L.append("  website: https://www.example-%d.com.cn" % n_seq)
        L.append("  business: 仓储管理、订单履约和%s相关业务，年营收约%d亿元" % (r.choice(INDUSTRIES), r.randint(1, 50)))
    else:
        L.append("person:")
        L.append("  age: %d" % r.randint(24, 65))
        L.append("  occupation: 网店店主")
        L.append("  interests: [茶艺, 摄影, 徒步]")
        L.append("  area: %s%s区" % (city, r.choice(["浦东", "西湖", "姑苏", "鼓楼", "滨湖"])))
        L.append('  emergency_contact: ""')
    L.append("contacts:")
    for i in range(r.randint(2, 3)):
        L.append("  - name: %s" % person_name(r))
        L.append("    title: %s" % r.choice(TITLES))
        L.append('    phone: "%s"' % phone(r))
        L.append("    email: contact%d.%d@example.com" % (n_seq, i))
        L.append("    birthday: %04d-%02d-%02d" % (r.randint(1960, 1998), r.randint(1, 12), r.randint(1, 28)))
        L.append("    role: %s" % r.choice(ROLES))
    lo = r.randint(5, 50) * 10000
    L.append("needs:")
    L.append("  summary: 降低仓储管理成本%d%%，库存准确率提升到99.5%%以上，支持多平台订单合并出库" % r.randint(10, 40))
    L.append("  budget: {min: %d, max: %d}" % (lo, lo + r.randint(1, 20) * 10000))
    L.append("  decision_chain:")
    L.append("    - {name: %s, title: 总经理, role: decision-maker}" % person_name(r))
    L.append("    - {name: %s, title: 技术部主管, role: influencer}" % person_name(r))
    L.append("  deadline: %s" % fmt(date_add(*fc, r.randint(60, 200))))
    L.append("tags: [%s]" % ", ".join(r.sample(TAGS, r.randint(2, 4))))
    L.append("stage: %s" % stage)
    L.append("stage_history:")
    L.append("  - {stage: initial, date: %s}" % fmt(fc))
    path = {"initial": [], "needs": ["needs"], "proposal": ["needs", "proposal"],
            "negotiation": ["needs", "proposal", "negotiation"],
            "won": ["needs", "proposal", "negotiation", "won"], "lost": ["needs", "lost"]}[stage]
    d = fc
    for s in path:
        d = date_add(*d, r.randint(5, 20))
        L.append("  - {stage: %s, date: %s}" % (s, fmt(d)))
    if stage == "lost":
        L.append("lost_reason: 客户选择了本地供应商，价格低约15%")
    if stage == "won":
        signed = d
        L.append("deal: {amount: %d, signed: %s, contract_end: %s}" % (lo + 30000, fmt(signed), fmt(date_add(*signed, 365))))
    L.append("dates:")
    L.append("  - {label: 公司周年, date: %04d-%02d-%02d, yearly: true}" % (r.randint(1995, 2020), r.randint(1, 12), r.randint(1, 28)))
    L.append("notes: |")
    L.append("  %s介绍过来的客户，老板重视数字化，IT团队只有两个人。" % person_name(r))
    L.append("  Prefers WeChat over email; meetings on Tuesday afternoons work best.")
    L.append("  仓库面积约%d平方米，SKU数量%d左右，旺季日均出库%d单。" % (r.randint(2, 30) * 1000, r.randint(5, 80) * 100, r.randint(3, 60) * 100))
    L.append("followups:")
    d = fc
    for i in range(r.randint(6, 9)):
        d = date_add(*d, r.randint(2, 12))
        pr = r.choice(list(PRIORITY_DAYS))
        by = r.choice(TEAM)
        L.append("  - date: %s" % fmt(d))
        L.append("    via: %s" % r.choice(VIAS))
        L.append("    by: %s" % by)
        L.append("    summary: %s" % r.choice(SUMMARIES))
        L.append("    feedback: %s" % r.choice(FEEDBACK))
        L.append("    result: %s" % r.choice(RESULTS))
        L.append("    priority: %s" % pr)
        L.append("    next: {date: %s, action: %s, by: %s}" % (fmt(date_add(*d, PRIORITY_DAYS[pr])), r.choice(ACTIONS), by))
    return "\n".join(L) + "\n"


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    r = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 2024)
    seq = {}
    total = 0
    for k in range(n):
        # spread over 2021-2024, as a real book grows
        fc = (r.randint(2021, 2024), r.randint(1, 12), r.randint(1, 28))
        key = fc[0] * 100 + fc[1]
        seq[key] = seq.get(key, 0) + 1
        rid = "%d%03d" % (key, seq[key])
        folder = os.path.join(out, "customers", "%04d" % fc[0], "%02d" % fc[1])
        os.makedirs(folder, exist_ok=True)
        text = record(r, rid, fc, k).encode("utf-8")
        total += len(text)
        with open(os.path.join(folder, rid + ".yaml"), "wb") as f:
            f.write(text)
    print("%d records, %.1f KB each on average" % (n, total / n / 1024.0))


if __name__ == "__main__":
    main()
