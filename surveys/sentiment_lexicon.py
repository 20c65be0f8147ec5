"""Bank-comment sentiment cues in Simplified Chinese and English: the words, phrases and event
patterns with which customers praise or complain, and a small rule engine that scores them.

General lexicons (TextBlob's, VADER's, a Naive Bayes over review text) know "terrible" and "很好"
but not that "排了一个小时的队", "on hold for an hour", "call dropped", "批下来了" or "sorted it
out" are what a bank's customers say when they are unhappy or pleased. This module holds that
knowledge, written by hand for this project from how bank customers phrase feedback (no third-party
word list), as plain data so it can be read and extended.

Weights are in the units VADER uses for a word (about 0.5 a faint lean, 2 a plain "good" or
"bad", 3 the strongest). The engine, per clause: finds the longest cue at each position (so
"不错" is read before "错", and a shield such as "差点" hides the "差" in it), flips a cue that a
negator just before it denies ("不专业", "一点都不麻烦", "never had to wait"), boosts one after an
intensifier ("非常", "really"), weighs the clause after a "but"/"但是" above the one before it,
adds event patterns (waits of twenty minutes or more, "还没到账", "for the third time",
"in five minutes"), and turns praise into blame when a sarcasm marker is present ("呵呵",
"oh great,", "thanks for nothing", a praise word in quotes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NEGATION_FLIP = -0.75
INTENSIFIER_BOOST = 1.4
DAMPENER = 0.6
AFTER_CONTRAST = 1.5
BEFORE_CONTRAST = 0.5
EN_NEGATION_WINDOW = 3
ZH_NEGATION_WINDOW = 4


def _weighted(table: dict[float, str]) -> dict[str, float]:
    """{weight: "phrase phrase ..."} to {phrase: weight}; English phrases join words with '_'."""
    return {
        phrase.replace("_", " "): weight
        for weight, words in table.items()
        for phrase in words.split()
    }


# --- Simplified Chinese -------------------------------------------------------------------------

ZH_CUES = _weighted(
    {
        3.0: """问题都没有 问题也没有 毛病都没有 非常满意 非常感谢 五星好评 太感谢了 十分感谢
            万分感谢 特别满意 无可挑剔""",
        2.5: """满意 感谢 谢谢 多谢 多亏 点赞 好评 给力 赞一个 受益匪浅 意外之喜 棒极了 太棒了
            完美 优秀 一流 靠谱 贴心 暖心 周到 专业 热情 耐心 省心 强多了 好多了 五星 超赞
            没得说 值得信赖 值得推荐 宾至如归 感动""",
        2.0: """不错 很好 挺好 真好 好用 好棒 棒 赞 细心 认真 负责 尽责 用心 高效 效率高 及时
            迅速 快捷 便捷 方便 顺利 顺畅 流畅 清楚 明白 明明白白 一清二楚 干净 整洁 舒适 舒服
            安心 放心 省事 实惠 划算 优惠 推荐 喜欢 开心 高兴 惊喜 客气 礼貌 友好 亲切 温柔
            诚恳 到位 解决了 搞定 办好了 办完了 办妥 秒到 很快 挺快 真快 特别快 速度快 快速
            批了 批下来 获批 通过了 追回 退还 退回 免了 免收 减免 体贴 和蔼 热心 人性化 实用
            好看 清爽 简洁 稳定 可靠 温暖 负责任 主动 跟进 回电 回访 道歉 越来越好 进步 改进
            太好了 靠得住 良好 快乐 效率很高 放心了 有耐心""",
        1.0: """好 还不错 蛮好 挺可以 还可以 简单 合适 合理 清晰 明亮 宽敞 安静 舒心 免费 便宜
            提醒 回复 还好 值得 期待 继续使用 会继续 下次还 还会来 认可 支持 信任 信赖 帮我
            帮忙 讲解 解答 协助 强大 齐全 全面 顺手 简便 可爱 美观 优美 灵敏 智能 更好 良心
            没问题 没有问题 没毛病 改正 纠正 诚信 一分不少 追回来 提前告诉 提前通知 提前打电话
            敬业 表扬 超出预期 上门服务 感激""",
        0.5: "还行 过得去 好的 正常 不算慢",
        0.2: "就更好了 会更好",
        -0.3: "一般 一般般 马马虎虎 凑合",
        -0.5: """排队 限额 维护 异常 逾期 尽快 快点 有点慢 广告 弹窗
            只好 关门 聊天 随便 好吗 到底 难道 好不容易 为啥 赶紧 快一点 空白 卸载 不能""",
        -1.0: """不好 不行 慢 太慢 很慢 好慢 真慢 慢死了 贵 太贵 很贵 昂贵 挤 拥挤 吵 脏 闷
            难 困难 复杂 繁琐 麻烦 折腾 费劲 费时 耽误 浪费 白跑 跑腿 推销 强制 强行 捆绑
            骚扰 打扰 投诉 罚息 违约金 扣费 扣钱 扣了 被扣 多扣 乱扣 收费高 故障 坏了 报错
            出错 错误 bug 闪退 卡顿 卡死 卡住 转圈 转圈圈 崩了 崩溃 宕机 失败 打不开 进不去
            登不上 登不进 登录不了 用不了 没法用 无法 不能用 办不了 处理不了 解决不了 没解决
            没有解决 收不到 没收到 没到账 不到账 没寄到 没消息 没有消息 没回复 没回音 没联系
            没通知 不通知 不告诉 不解释 不提醒 没提醒 没人说 没提 没人 没有人 打不通 占线
            断线 挂断 挂了 被拒 拒绝 拒了 锁了 被锁 吞卡 丢了 弄丢 丢失 盗刷 被盗 泄露 诈骗
            被骗 骗 骗人 坑 坑人 坑爹 忽悠 误导 隐瞒 不透明 乱收费 霸王条款 不合理 不公平
            外行 不熟 不懂 说不清楚 说不清 不清楚 讲不清 冷漠 敷衍 推诿 踢皮球 不理 不管 凶
            吼 黑着脸 脸色 差 烂 失望 不满 生气 气死 烦 无语 恶心 离谱 过分 后悔 郁闷 糟糕
            糟心 急死 着急 头疼 心累 服了 醉了 呵呵 无奈 可恶 拖 拖延 迟迟 半天 好久 很久
            一下午 一整天 一上午 一晚上 一整个下午 怎么回事 就不能 不像话 玩手机 不开门
            不营业 再也不 销户 亏了 亏损 不如 不值 莫名其妙 从不回 不回 搞不定 难用 效率低
            一问三不知 不耐烦 没人理 没人管 不搭理 没人接 没人帮 爱答不理 乱七八糟 一拖再拖
            凭什么 什么玩意 受不了 忍无可忍 不会再来 差劲 垃圾 混乱 乱 不专业 不靠谱 就这
            也就这样 跑了好几趟 又慢又 不可用 不显示 超时 有问题 出问题 毛病 救急 无限循环
            不让用 不给用 黑屏 白屏 点不开 弃用 很卡 太卡 好卡 又卡 卡得 卡的要死 无网络 没网络
            网络错误 网络异常 什么鬼 生硬 呆板 难看 推脱 跪了 不敢 怕了 四不像 东施效颦 德行
            破 玩意 错了 办错 搞错 弄错 算错 跑一趟 再跑一趟 又跑一趟 照扣 说好的 没说清楚 没讲清楚
            答非所问 带刺 敷衍了事 没有然后 不让进 不齐 欠款 聊得 干站着 干等 让我等 晾着 晾在一边
            不归 就为了 请假 请了一天假 多收 乱收 收一笔 都收 不敢恭维 烦不胜烦 尴尬 被拒 失误
            无故 不放心 白白 傻 傻不傻 渣 渣渣 被迫 为毛 不注重""",
        -2.0: """不好用 不好使 难用 辣鸡 弱智 蠢 无能 吃白饭 完犊子 破玩意 有毛病 什么毛病 毛用
            去你妈 你妈 妈的 tmd 草泥马 cnm 坑逼 卧槽 闹哪样 逼我 不负责 请修复 尽快修复
            赶紧修复 用点心 上点心 极差 差评 太差 很差 态度差 态度恶劣 太失望 烦死了 最差 最烂
            气死了 坑死 都没有""",
        -2.5: "不能再差 没法再差 再烂一点 最垃圾 垃圾中的垃圾",
    }
)
# Words that contain a cue's characters but are no cue: longest match reads them first.
ZH_SHIELDS = """差点 差点儿 差一点 差不多 出差 差旅 差额 差价 偏差 误差 时差 好几 好多 好像 好在
    正好 刚好 恰好 最好 好友 爱好 好奇 不好意思 贵行 贵宾 宝贵 尊贵 贵姓 快递 赶快 快要
    慢慢 热线 热门 热点 冷静 乱码 烦请 麻烦您 麻烦你 请问 想问 问一下 能不能 可不可以 可以吗
    行吗 是否 多少 如何 不知道 等通知 不用谢 满意度 服务费 手续费 年费 一般来说 一般是 不一般
    没什么 差距 落差 极速 不少 好处 只用 需不需要 要不要 是不是 有没有 在不在 好好 问题 破产
    突破 打破 破解 不能不 不得不说""".split()

# A clause after these tells what nearly happened and did not: "差点就给骗子转账了".
ZH_COUNTERFACTUALS = frozenset(
    {
        "差点",
        "差点儿",
        "差一点",
        "幸好",
        "幸亏",
        "还好",
        "多亏",
        "省得",
        "免得",
        "以免",
        "避免",
        "防止",
    }
)
# A clause that tells what was promised says nothing good about what happened: "说好的减免年费".
ZH_PROMISE = re.compile(r"说好|承诺|答应|保证过|宣传的|号称|本来说|说是会|原本说")
# A wish praises nothing yet: "希望简单快捷点就好了".
ZH_WISH = re.compile(r"希望|要是|如果|但愿|建议|最好能|能不能")
for _shield in (*ZH_SHIELDS, *ZH_COUNTERFACTUALS):
    ZH_CUES.setdefault(_shield, 0.0)
ZH_NOBODY = frozenset({"没人", "没有人", "无人"})
ZH_POLITE = frozenset({"麻烦"})
ZH_NEGATORS = ("不", "没", "没有", "无", "未", "别", "非", "莫", "勿", "甭", "不是", "并非")
ZH_INTENSIFIERS = frozenset(
    """很 非常 太 特别 超 超级 极 极其 十分 真 真的 真是 相当 挺 最 更 巨 贼 实在 完全 根本
    好 蛮 老 格外 尤其 简直 绝对 真心 这么 那么 如此""".split()
)
ZH_DAMPENERS = frozenset("有点 有些 稍 稍微 略 略微 一点点 还算 比较".split())
# Skipped between a negator and its cue: "一点都不麻烦", "不是很专业", "没有一点不耐烦".
ZH_FILLERS = tuple(
    sorted(
        {
            *ZH_INTENSIFIERS,
            *ZH_DAMPENERS,
            *"一点 一丝 任何 丝毫 都 也 是 够 说 讲 做 办 弄 搞".split(),
            *"处理 解释 写 觉得 感觉 算 给 帮 得".split(),
        },
        key=len,
        reverse=True,
    )
)
ZH_CONTRASTS = ("但是", "但", "可是", "不过", "然而", "却", "结果", "可惜", "只是")
ZH_ONLY = ("只", "仅", "才", "不到", "没", "不用", "不")
ZH_CLAUSE = re.compile(r"[，。！？；,.!?;~～…\n\r\t]+|\s{2,}")
ZH_NUMBER = "[0-9零一二两三四五六七八九十百半几]+"
ZH_UNITS = "小时|钟头|分钟|分|天|个月|月|周|星期|礼拜|年|个工作日|工作日"
ZH_WAIT = re.compile(
    r"(?:排队|排|等候|等待|等|候|耗|花|用|折腾|搞|打|拖|转|审|批|跑|催|卡|压|放|办)[了着]?(?:快|近|将近|"
    rf"差不多|足足|整整|大概|约|一共|都|了|有)?({ZH_NUMBER})个?(多|半)?个?({ZH_UNITS})"
)
ZH_FAST = re.compile(rf"({ZH_NUMBER})个?({ZH_UNITS}|秒|秒钟)(?:左右|不到|之内|内)?就")
ZH_REPEATS = re.compile(
    rf"(跑|交|催|打|投诉|试|报|提交|补|找|反映|去|问)了?好?({ZH_NUMBER})(次|遍|趟|回|个部门)"
)
# "利息比宣传的高多了": a price that is high or goes up.
ZH_PRICEY = re.compile(
    r"(利息|利率|费用|手续费|年费|收费|价格|罚息|扣费)[^，。！？,.!?]{0,8}?(高|贵|涨|上调|增加|多收)"
)
# "登陆不上", "更新不了", "转不出去": the verb complements that say a thing cannot be done.
ZH_CANNOT = re.compile(
    r"(登录|登陆|登|连接|连|打|点|进|刷|转|汇|下载|下|更新|升级|注册|支付|付|绑定|激活|提现|取|存|查|收|"
    r"发|打开|加载|识别|做|搞|弄|办|修|用|还)(不了|不上|不开|不进去?|不去|不出来?|不到|不成|不动|不起来|不好)"
)
ZH_STILL_NOT = re.compile(
    r"(?:还|仍|仍然|依然|至今|到现在|到今天|迟迟|始终|一直)(?:都|也|还)?(?:没|未|不见|不(?!错|赖|算|少))"
    r"|都没(?!问题|毛病|有问题|什么)"
)
# "没有农业银行方便": the praise word of a "not as good as" comparison is blame.
ZH_WORSE_THAN = re.compile(
    r"(?:没有|不如|比不上|赶不上|不及)[^，。！？,.!?\s]{1,10}?(方便|好用|快|好|简单|清楚|专业|便捷|流畅|稳定)"
)
ZH_SARCASM = re.compile(
    r"呵呵|服了|醉了|真行|可真是|好一个|厉害了|谢谢你们?[哦啊呀]|感谢你们?[哦啊呀]"
    r"|真是(?:谢谢|感谢)你们|[\"“「'‘](?:好|棒|优质|专业|高效|贴心|周到|给力|方便|满意)[\"”」'’]"
)


# --- English ------------------------------------------------------------------------------------

EN_CUES = _weighted(
    {
        3.0: "couldn't_be_happier could_not_be_happier above_and_beyond went_the_extra_mile",
        2.5: """thank_you thanks thankyou grateful appreciate appreciated lifesaver life_saver
            sorted_it sorted_it_out sorted_out sorted_me_out got_it_sorted fixed_it solved no_fuss
            no_hassle hassle_free hassle-free painless seamless seamlessly
            peace_of_mind deserves_a_raise keep_it_up well_done great_job good_job top_notch
            spot_on 5_stars five_stars 10/10 a+ highly_recommend impressed faster_than_promised
            than_promised sooner_than_expected ahead_of_schedule first_call saved_me
            stopped_me_losing stopped_me_from_losing first_time_buyer""",
        2.0: """patient polite courteous knowledgeable efficient quick quickly fast speedy smooth
            smoothly straightforward easy easier convenient intuitive spacious welcoming
            reassuring recommend recommended waived came_through explained_everything
            explained_clearly clearly_explained explained_it_clearly kept_me_updated
            kept_me_informed kept_me_posted followed_up called_me_back got_back_to_me
            right_away straight_away in_and_out no_wait no_waiting remembered cheaper lower_fees
            no_fees no_charge fee-free user_friendly user-friendly works_well works_every_time
            worked_first_time inside_out no_jargon sorted in_minutes within_minutes in_one_visit
            one_visit first_visit one_call out_of_their_way out_of_his_way out_of_her_way
            out_of_the_way were_on_it on_it_immediately every_penny_back got_my_money_back
            got_all_my_money_back got_it_back honest for_being_honest didn't_even_notice""",
        1.5: "resolved",
        1.0: "handy bright approved refunded same_day next_day prompt promptly arrived_on_time",
        -0.5: """again promised complained had_to apparently supposedly still why_do_i
            why_does why_is nothing_special""",
        -1.0: """on_hold hold_music queue queued in_line in_the_queue waited waiting_for
            out_the_door declined rejected denied refused blocked frozen locked locked_out
            logged_out logs_me_out kicked_out crash crashes crashed crashing freezes freezing
            glitch glitchy buggy bug error errors outage down_again maintenance not_working
            doesn't_work does_not_work stopped_working won't_load won't_open can't_log
            cannot_log can't_access cannot_access unable failed fails bounced charged_twice
            double_charged overcharged charged_me hidden_fees hidden_charges hidden_fee
            extra_fee late_fee penalty went_up increased hiked cut lowered lost wrong incorrect
            mistake dismissive condescending rolled_his_eyes rolled_her_eyes rolled_their_eyes
            rolled_eyes ignored unhelpful clueless incompetent pushy upsell upselling scam
            scammed fraudulent stolen skimmed hacked unauthorized unauthorised dodgy are_a_joke
            is_a_joke joke_of waste_of_time wasted no_one nobody no_response no_reply no_answer
            no_callback never_called never_heard never_received never_arrived never_got
            hasn't_arrived hasn't_received haven't_received hasn't_cleared still_waiting
            still_no still_not still_nothing still_hasn't still_haven't still_pending yet_to
            without_notice without_warning without_any_notice without_any_warning
            without_explanation without_any_explanation without_telling nobody_told didn't_tell
            no_notice not_informed forever ages call_dropped dropped cut_off hung_up
            disconnected closed took_weeks took_months weeks_later months_later filthy broken
            cramped crowded confusing complicated slow slower sluggish misleading misled
            mis-sold missold round_in_circles runaround run_around passed_around
            transferred_again won't_be_back never_again switching_banks closing_my_account
            going_elsewhere in_2025 in_2026 swallowed froze passed_from one_department_to_another
            back_to_square_one ended_up_back bounced_around so_much_for excuses nothing_but
            took_my_money robbery rip-off rip_off ripoff extortionate headache headaches hassle
            it_wasn't it_didn't they_didn't it_never never_happened didn't_happen chase chased
            chasing chatting chatting_and_laughing queue_grew never_asked_for didn't_ask_for
            unsolicited spam keep_getting non-existent nonexistent ate_my_card kept_my_card
            retained_my_card shut disconnects a_different_answer different_answers even_after
            wrong_address no_longer_feel not_safe pushing pushed kept_pushing loot looted
            looting looters cheat cheated cheating harass harassed harassing harassment
            pending deducted not_received not_yet_received not_credited not_refunded
            not_reflected not_resolved not_responding not_yet not_able nt_able never_able
            till_now until_now till_date as_of_now escalated raised_a_complaint irresponsive
            unresponsive no_update no_updates delay delayed delays unreliable please_fix
            please_fixed pls_fix kindly_fix fix_this need_to_fix needs_fixing needs_improvement
            need_improvement needs_to_improve don't_work didn't_work not_work won't_work
            isn't_working aren't_working wasn't_working not_functional not_functioning
            stopped_functioning never_works doesn't_let won't_let""",
    }
)
EN_CUES.update(
    {
        "not a single problem": 2.0,
        "not a single issue": 2.0,
        "no problems": 1.5,
        "no issues": 1.5,
        "no complaints": 1.5,
        "not bad": 1.0,
        "not helpful": -2.0,
        "not happy": -2.0,
        "twice": -0.5,
        "thanks for nothing": -3.0,
        "don't feel": -1.5,
        "do not feel": -1.5,
        "fixed rate": 0.0,
        "fixed term": 0.0,
        "fixed-term": 0.0,
        "fixed deposit": 0.0,
        "fixed": 1.5,
        "the thanks i get": -3.0,
        "how you treat": -2.0,
        "daylight robbery": -3.0,
        "thanks a lot": 0.5,
        "good luck": -0.5,
    }
)
EN_SELF_NEGATED = (
    "no ",
    "not ",
    "never ",
    "without ",
    "nobody",
    "couldn't ",
    "could not ",
    "won't ",
)
EN_NEGATORS = frozenset(
    """not no never none nobody nothing without hardly barely neither nor cannot isn't aren't
    wasn't weren't don't doesn't didn't can't couldn't won't wouldn't shouldn't hasn't haven't
    hadn't ain't dont doesnt didnt cant couldnt wont isnt wasnt hasnt havent nt hvnt dnt
    dint""".split()
)
EN_INTENSIFIERS = frozenset(
    """very really so extremely incredibly absolutely totally completely super truly
    utterly highly most seriously insanely""".split()
)
EN_DAMPENERS = frozenset("slightly somewhat bit little fairly kinda".split())
EN_CONTRASTS = frozenset({"but", "however", "although", "though", "except"})
EN_TOKEN = re.compile(r"[a-z0-9][a-z0-9'+/-]*")
EN_SENTENCE = re.compile(r"[.!?;\n]+")
EN_NUMBER = (
    r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|ninety|several|few|a couple of|couple of|half an?)"
)
EN_UNIT = r"(?:min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?|months?)"
EN_WAIT = re.compile(
    r"\b(?:wait(?:ed|ing)?|on hold|in (?:the )?(?:line|queue)|queu(?:e|ed|ing)|stood|sat|took|"
    r"takes|taking|spent|been)\b(?:[^.!?\d]{0,25}?)\b(?:for |over |nearly |almost |about |"
    rf"another |more than |at least )*({EN_NUMBER})\s+(?:more\s+)?({EN_UNIT})\b"
    rf"|\b({EN_NUMBER})\s+({EN_UNIT})\s+(?:on hold|in (?:the )?(?:line|queue)|of hold|waiting|"
    r"wait|later|ago|and still|to get)"
)
# "within" mostly states a deadline ("within 30 days"), so it counts only for minutes.
EN_FAST = re.compile(
    rf"\b(?:(?:in|under|only|just|took)\s+(?:about |only |just |less than )?({EN_NUMBER})\s+"
    rf"(min(?:ute)?s?|seconds?|days?|hours?)|within\s+({EN_NUMBER})\s+(min(?:ute)?s?|seconds?))\b"
    r"(?!\s+(?:on hold|in line|later|ago|waiting))"
)
EN_REPEATS = re.compile(
    r"\bfor the (?:third|fourth|fifth|sixth|nth|\d+(?:rd|th)) time\b|\b(?:two|three|four|five|"
    r"six|several|multiple|many|\d+) (?:different \w+|times|visits|calls|trips|emails)\b"
)
EN_INABILITY = re.compile(
    r"\b(?:couldn't|could not|can't|cannot|unable to|not able to|wouldn't|won't|refused to|"
    r"refuse to|refuses to|failed to|fail to|never able to|didn't even)\s+(?!be happier|fault|"
    r"complain|recommend|thank|ask for|praise|wait\b|regret|hesitate|be disappointed|go anywhere|"
    r"notice)"
    r"[a-z]"
)
# "fixed a mistake", "sorted out the duplicate charge": the blame word is what got repaired.
EN_REPAIR = re.compile(
    r"\b(?:fixed|corrected|solved|resolved|sorted(?: out)?|rectified|cleared up|put right|"
    r"reversed|refunded)\s+(?:(?:a|an|the|my|our|this|that|every|all|their|your)\s+)?(?:\w+\s+)?"
    r"(?:mistake|error|problem|issue|mess|glitch|charge|fee|complaint|fraud)s?\b"
)
# "never had to wait an hour" praises; "in five minutes" after "promised" or "told" was not kept.
EN_DENIAL = re.compile(r"\b(never|no|not|didn't|don't|without|hardly)\b")
EN_UNKEPT = re.compile(r"\b(promised|said|supposed|wait|hold|told)")
# A sentence that tells what was promised says nothing good about what happened.
EN_PROMISE = re.compile(
    r"(?<!as )(?<!than )\bpromised\b|\b(?:was|were) told\b|\bassured\b|\bsupposed to\b"
    r"|\bmeant to\b|\bshould have\b|\bguaranteed\b"
)
# A wish or a suggestion praises nothing yet: "it would be great if the app worked".
EN_WISH = re.compile(r"\b(?:i wish|wish it|if only|would be (?:nice|great|good) if|i hope)\b")
EN_SARCASM = re.compile(
    r"^\s*(?:oh,? )?(?:great|wonderful|brilliant|fantastic|perfect|lovely|awesome|just great|"
    r"nice one|way to go|good job)\s*[,.!]|\blove (?:how|that|it when)\b|\byeah,? right\b"
    r"|\bthanks for nothing\b|\bthanks a lot\b(?=\W*$)|\bcheers for that\b"
)
# Emoji read the same in both languages; VADER alone sees them only in English text.
EMOJI_CUES = {"👍": 1.5, "👏": 1.5, "💯": 1.5, "❤": 1.5, "😊": 1.5, "😀": 1.5, "😁": 1.5, "😄": 1.5}
EMOJI_CUES |= {"🥰": 2.0, "😍": 2.0, "🌹": 1.0, "🎉": 1.0, "✌": 1.0, "🤝": 1.0, "💪": 1.0}
EMOJI_CUES |= {"👎": -2.0, "😡": -2.0, "🤬": -2.5, "😠": -2.0, "🤮": -2.5, "🤢": -2.0, "💩": -2.5}
EMOJI_CUES |= {"😒": -1.5, "😤": -1.5, "😭": -1.5, "😢": -1.5, "😞": -1.5, "🙄": -1.5, "😫": -1.5}
EMOJI_CUES |= {"😩": -1.5, "😑": -1.0, "😓": -1.0, "🙃": -1.0, "🤦": -1.5, "💔": -1.5}
EN_MINUTES = {"sec": 0, "min": 1, "h": 60, "day": 480, "week": 2400, "month": 9600}
ZH_MINUTES = {"秒": 0, "分": 1, "小时": 60, "钟头": 60, "天": 480, "工作日": 480, "周": 2400}
ZH_MINUTES |= {"个工作日": 480, "星期": 2400, "礼拜": 2400, "月": 9600, "个月": 9600}
ZH_MINUTES |= {"年": 115200}
EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
EN_NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
EN_NUMBERS |= {"fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
EN_NUMBERS |= {"ninety": 90, "several": 3, "few": 3, "couple of": 2, "a couple of": 2}
ZH_DIGITS = {"零": 0, "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
ZH_DIGITS |= {"八": 8, "九": 9, "半": 0.5, "几": 3}
LONG_WAIT_MINUTES = 20
FAST_MINUTES = 3 * 480
WAIT_WEIGHT = -2.0
FAST_WEIGHT = 1.5
REPEAT_WEIGHT = -1.5
STILL_NOT_WEIGHT = -1.5
SARCASM_WEIGHT = -1.5
INABILITY_WEIGHT = -1.0
CANNOT_WEIGHT = -1.5
PROMISE_WEIGHT = -0.5
REPAIR_WEIGHT = 2.0
PRICEY_WEIGHT = -1.5


@dataclass(frozen=True)
class Cues:
    """What the rules found in one text: the summed weight, the praise in it, cues that fired."""

    score: float = 0.0
    praise: float = 0.0
    hits: int = 0
    sarcastic: bool = False

    def __add__(self, other: Cues) -> Cues:
        return Cues(
            self.score + other.score,
            self.praise + other.praise,
            self.hits + other.hits,
            self.sarcastic or other.sarcastic,
        )

    def scaled(self, factor: float) -> Cues:
        return Cues(self.score * factor, self.praise * factor, self.hits, self.sarcastic)

    def add(self, weight: float) -> Cues:
        return self + Cues(weight, max(0.0, weight), 1)

    def unfulfilled(self) -> Cues:
        """Praise of what was only promised: drop it, and count the broken promise."""
        return Cues(self.score - self.praise + PROMISE_WEIGHT, 0.0, self.hits + 1, self.sarcastic)

    def wished(self) -> Cues:
        """Praise in a wish or a suggestion is not praise of what is."""
        return Cues(self.score - self.praise, 0.0, self.hits, self.sarcastic)

    def as_sarcasm(self) -> Cues:
        """Praise in a sarcastic text is blame: cancel it, count it against, add the marker."""
        return Cues(self.score - 2 * self.praise + SARCASM_WEIGHT, 0.0, self.hits + 1, True)


def zh_number(text: str) -> float:
    """A small Chinese or Arabic numeral: "二十" is 20, "十几" 13, "几" reads as 3."""
    if text.isdigit():
        return float(text)
    value, current = 0.0, 0.0
    for char in text:
        if char in "十百":
            value += (current or 1) * (10 if char == "十" else 100)
            current = 0.0
        else:
            current = ZH_DIGITS.get(char, 0.0)
    return value + current


def minutes_of(amount: float, unit: str, table: dict[str, int]) -> float:
    """How many minutes "amount unit" is; the longest unit name that the unit starts with wins."""
    unit = unit.lower()
    names = sorted((name for name in table if unit.startswith(name)), key=len, reverse=True)
    return amount * (table[names[0]] if names else 0)


def en_number(text: str) -> float:
    text = text.lower().strip()
    if text.startswith("half"):
        return 0.5
    return float(text) if text.isdigit() else float(EN_NUMBERS.get(text, 3))


def zh_cue_at(clause: str, position: int) -> str | None:
    """The longest cue (or shield) that starts at this position, if any."""
    for size in range(min(ZH_LONGEST, len(clause) - position), 0, -1):
        word = clause[position : position + size]
        if word in ZH_CUES:
            return word
    return None


# --- The engine: Chinese ------------------------------------------------------------------------


def zh_cues(text: str) -> Cues:
    """Cues of a Chinese text, clause by clause, then event patterns and sarcasm."""
    lowered = text.lower()
    total = Cues()
    for index, clause in enumerate(c for c in ZH_CLAUSE.split(lowered) if c):
        found = _zh_clause(clause)
        if ZH_PROMISE.search(clause):
            found = found.unfulfilled()
        elif ZH_WISH.search(clause):
            found = found.wished()
        if index and clause.startswith(ZH_CONTRASTS):
            total = total.scaled(BEFORE_CONTRAST) + found.scaled(AFTER_CONTRAST)
        else:
            total += found
    total += _zh_events(lowered)
    if ZH_SARCASM.search(lowered) and total.score - total.praise < 0:
        total = total.as_sarcasm()
    return total


def _zh_clause(clause: str) -> Cues:
    found, position, free_from, counterfactual = Cues(), 0, 0, False
    nobody_until = -1
    while position < len(clause):
        word = zh_cue_at(clause, position)
        if word is None or (word in ZH_POLITE and position == 0):  # "麻烦回个电话" asks politely
            position += len(word or " ")
            continue
        following = zh_cue_at(clause, position + 1) if word == "好" else None
        if following and ZH_CUES[following] < 0:  # "好慢", "好烦": here 好 means "so"
            position += 1
            continue
        value = ZH_CUES[word]
        counterfactual = counterfactual or word in ZH_COUNTERFACTUALS
        if value:
            before = clause[max(free_from, position - ZH_NEGATION_WINDOW) : position]
            value *= _zh_modifier(before)
            if (counterfactual and value < 0) or (value > 0 and position <= nobody_until):
                value *= NEGATION_FLIP  # "差点就被骗了"; "没人提醒" is blame, not praise
            found = found.add(value)
        position += len(word)
        free_from = position
        if word in ZH_NOBODY:
            nobody_until = position + 2
    return found


def _zh_modifier(before: str) -> float:
    """Negation, boost or damping from the few characters before a cue."""
    factor = 1.0
    rest = before
    changed = True
    while changed and rest:
        changed = False
        for filler in ZH_FILLERS:
            if rest.endswith(filler):
                if filler in ZH_INTENSIFIERS and factor == 1.0:
                    factor = INTENSIFIER_BOOST
                elif filler in ZH_DAMPENERS and factor == 1.0:
                    factor = DAMPENER
                rest, changed = rest[: -len(filler)], True
                break
    if rest.endswith(ZH_NEGATORS) and not rest.endswith(("不得不", "不是不", "没有不")):
        factor *= NEGATION_FLIP
    return factor


def _zh_events(text: str) -> Cues:
    found = Cues()
    for match in ZH_WAIT.finditer(text):
        amount = zh_number(match.group(1)) + (0.5 if match.group(2) else 0.0)
        head = text[max(0, match.start() - 2) : match.start()]
        if text[match.end() : match.end() + 1] == "就" or head.endswith(ZH_ONLY):
            continue
        if minutes_of(amount, match.group(3), ZH_MINUTES) >= LONG_WAIT_MINUTES:
            found = found.add(WAIT_WEIGHT)
    for match in ZH_FAST.finditer(text):
        if minutes_of(zh_number(match.group(1)), match.group(2), ZH_MINUTES) <= FAST_MINUTES:
            found = found.add(FAST_WEIGHT)
    for match in ZH_REPEATS.finditer(text):
        if zh_number(match.group(2)) >= 2:
            found = found.add(REPEAT_WEIGHT)
    for _ in ZH_STILL_NOT.finditer(text):
        found = found.add(STILL_NOT_WEIGHT)
    for match in ZH_WORSE_THAN.finditer(text):
        found = found.add(-2 * max(ZH_CUES.get(match.group(1), 1.0), 1.0) - 1)
    for _ in ZH_PRICEY.finditer(text):
        found = found.add(PRICEY_WEIGHT)
    for _ in ZH_CANNOT.finditer(text):
        found = found.add(CANNOT_WEIGHT)
    return found


# --- The engine: English ------------------------------------------------------------------------


def en_cues(text: str) -> Cues:
    """Cues of an English text, sentence by sentence, then event patterns and sarcasm."""
    lowered = text.lower().replace("’", "'")
    total = Cues()
    for sentence in EN_SENTENCE.split(lowered):
        found = _en_sentence(EN_TOKEN.findall(sentence))
        if EN_PROMISE.search(sentence):
            found = found.unfulfilled()
        elif EN_WISH.search(sentence):
            found = found.wished()
        total += found
    total += _en_events(lowered)
    if EN_SARCASM.search(lowered) and (total.score - total.praise < 0 or "nothing" in lowered):
        total = total.as_sarcasm()
    return total


def _en_sentence(tokens: list[str]) -> Cues:
    found, index = Cues(), 0
    while index < len(tokens):
        if index and tokens[index] in EN_CONTRASTS:
            found = found.scaled(BEFORE_CONTRAST)
            return found + _en_sentence(tokens[index + 1 :]).scaled(AFTER_CONTRAST)
        phrase = next(
            (
                " ".join(tokens[index : index + size])
                for size in range(min(EN_LONGEST, len(tokens) - index), 0, -1)
                if " ".join(tokens[index : index + size]) in EN_CUES
            ),
            None,
        )
        if phrase is None:
            index += 1
            continue
        value = EN_CUES[phrase]
        before = tokens[max(0, index - EN_NEGATION_WINDOW) : index]
        if before and before[-1] in EN_INTENSIFIERS:
            value *= INTENSIFIER_BOOST
        elif before and before[-1] in EN_DAMPENERS:
            value *= DAMPENER
        if not phrase.startswith(EN_SELF_NEGATED) and EN_NEGATORS.intersection(before):
            value *= NEGATION_FLIP
        found = found.add(value)
        index += len(phrase.split())
    return found


def _en_events(text: str) -> Cues:
    found = Cues()
    for _ in EN_INABILITY.finditer(text):
        found = found.add(INABILITY_WEIGHT)
    for match in EN_WAIT.finditer(text):
        amount, unit = match.group(1, 2) if match.group(1) else match.group(3, 4)
        before = text[max(0, match.start() - 14) : match.start()]
        if EN_DENIAL.search(before):
            found = found.add(-WAIT_WEIGHT / 2)
        elif minutes_of(en_number(amount), unit, EN_MINUTES) >= LONG_WAIT_MINUTES:
            found = found.add(WAIT_WEIGHT)
    for match in EN_FAST.finditer(text):
        before = text[max(0, match.start() - 25) : match.start()]
        amount, unit = match.group(1, 2) if match.group(1) else match.group(3, 4)
        minutes = minutes_of(en_number(amount), unit, EN_MINUTES)
        if minutes <= FAST_MINUTES and not EN_UNKEPT.search(before):
            found = found.add(FAST_WEIGHT)
    for _ in EN_REPAIR.finditer(text):
        found = found.add(REPAIR_WEIGHT)
    for _ in EN_REPEATS.finditer(text):
        found = found.add(REPEAT_WEIGHT)
    return found


ZH_LONGEST = max(len(word) for word in ZH_CUES)
EN_LONGEST = max(len(phrase.split()) for phrase in EN_CUES)


def emoji_cues(text: str) -> Cues:
    """Each sentiment-bearing emoji, however often it is repeated, counts once."""
    found = Cues()
    for emoji in {char for char in text if char in EMOJI_CUES}:
        found = found.add(EMOJI_CUES[emoji])
    return found
