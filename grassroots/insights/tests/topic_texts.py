"""A labelled set of appeal texts for measuring the hot topics, written for the test.

Each category has a few sentence templates with slots (places, times, people, numbers,
how long it has gone on, what is asked); filling them at random gives texts that share
their topic's words but differ from one another, as real appeals of one kind do. Some
texts also carry words common to every category ("车间", "职工", "反映") so that the
topics are not told apart by trivial vocabulary alone. The generator is seeded.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

SLOTS: dict[str, list[str]] = {
    "place": ["一车间", "二车间", "三车间", "检修班", "变电站", "营业厅", "调度中心", "运维班"],
    "time": ["最近", "这个月", "上周以来", "近两个月", "入冬以来", "节后"],
    "often": ["经常", "多次", "连续几天", "几乎每天", "时不时"],
    "ask": ["希望尽快解决", "请领导重视", "盼望早日改进", "建议有关部门协调", "恳请帮助处理"],
    "shift": ["夜班", "早班", "倒班", "加班"],
    "number": ["三", "五", "十", "二十", "几"],
}

CATEGORIES: dict[str, list[str]] = {
    "canteen": [
        "{place}食堂{time}饭菜{often}偏咸偏油，菜品种类少，{ask}",
        "{shift}下班后食堂已经关门，职工吃不上热饭，{ask}",
        "食堂饭菜价格{time}上涨，分量却变少了，{ask}",
        "{place}食堂卫生状况差，餐具{often}没有洗干净，{ask}",
        "希望食堂增加早餐品种，{shift}职工{often}来不及吃饭",
        "食堂排队时间太长，午饭{often}要等{number}十分钟，{ask}",
    ],
    "bus": [
        "{place}通勤班车{time}{often}晚点，职工上班迟到，{ask}",
        "班车线路调整后离家太远，{shift}下班没有车回家，{ask}",
        "通勤车座位不够，{number}多人只能站着，{ask}",
        "{shift}班车发车时间不合理，下班后要等{number}十分钟，{ask}",
        "班车司机{often}开快车，乘车安全让人担心，{ask}",
        "希望增开一条通勤班车线路到新小区，{place}职工上下班不方便",
    ],
    "dormitory": [
        "{place}单身宿舍{time}热水{often}停供，洗澡困难，{ask}",
        "宿舍暖气不热，房间温度太低，{ask}",
        "职工宿舍楼道灯坏了{time}没人修，晚上回宿舍不安全，{ask}",
        "宿舍空调{often}漏水，床铺被弄湿，{ask}",
        "宿舍住了{number}个人太拥挤，希望调整宿舍分配",
        "宿舍网络{often}断线，{shift}职工休息时没法上网，{ask}",
    ],
    "safety": [
        "{place}劳保用品{time}发放不及时，安全帽破损没有更换，{ask}",
        "绝缘手套和绝缘靴数量不够，{often}要轮流使用，{ask}",
        "防护服尺码不全，穿着不合身影响作业安全，{ask}",
        "安全带和安全帽{time}没有检验，存在安全隐患，{ask}",
        "冬季劳保棉衣还没有发放，{shift}户外作业很冷，{ask}",
        "护目镜和防尘口罩质量差，{often}用几天就坏，{ask}",
    ],
    "payslip": [
        "{time}工资条上的加班费{often}算错，和考勤对不上，{ask}",
        "工资条看不懂，绩效奖金扣款没有说明，{ask}",
        "{shift}补贴{time}没有发到工资里，{ask}",
        "工资发放日期推迟了{number}天，工资条也没有按时下发，{ask}",
        "电子工资条查询系统{often}登录不上，{ask}",
        "社保和公积金扣款在工资条上金额不对，{ask}",
    ],
    "training": [
        "{place}技能培训{time}安排在{shift}后，职工太累学不进去，{ask}",
        "培训课程内容陈旧，和现场实际操作脱节，{ask}",
        "岗位培训名额太少，{number}多人报名只有几个能参加，{ask}",
        "培训考试{often}临时通知，来不及复习，{ask}",
        "希望增加新设备操作培训，{place}职工{often}不会用新系统",
        "线上培训平台视频{often}卡顿，学时记录不上，{ask}",
    ],
    "parking": [
        "{place}停车场车位不够，{shift}职工{often}找不到停车位，{ask}",
        "电动车充电桩太少，充电{often}要排队，{ask}",
        "停车场没有照明，晚上取车不安全，{ask}",
        "外来车辆占用职工停车位，{time}{often}发生，{ask}",
        "非机动车棚漏雨，电动车被淋坏，{ask}",
        "希望在{place}附近增设自行车停放点和电动车充电桩",
    ],
    "medical": [
        "{time}职工体检项目减少了，{ask}",
        "体检报告{often}发放很晚，有问题也没人解释，{ask}",
        "{place}医务室药品不全，{shift}生病拿不到药，{ask}",
        "希望体检增加颈椎和心脑血管检查，{place}职工{often}加班身体吃不消",
        "医务室{shift}时间没有医生值班，{ask}",
        "年度体检安排在工作日，{shift}职工请不了假去体检，{ask}",
    ],
}

FILLER = ["车间职工反映：", "有职工反映，", "", "", "职工来信：", "我们班组反映："]


def labelled_texts(per_category: int = 60, *, seed: int = 18) -> Iterator[tuple[str, str]]:
    """(category, text) pairs, `per_category` of each, shuffled."""
    rng = random.Random(seed)
    rows = []
    for category, templates in CATEGORIES.items():
        for _ in range(per_category):
            template = rng.choice(templates)
            filled = template.format(**{slot: rng.choice(words) for slot, words in SLOTS.items()})
            rows.append((category, rng.choice(FILLER) + filled))
    rng.shuffle(rows)
    yield from rows
