"""The demo chain: regions, stores, merchants, the catalog, prices, stock plans, staff and members.

Everything here is plain data plus pure functions of it (no database), so the loader, the tests and the
docs see the same chain. Codes, usernames and phones are the natural keys the loader looks rows up by.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from backend.catalog.gtin import check_digit
from backend.seed.pictures import COLOURS

DEMO_PASSWORD = "omo-demo-2026"
TIMEZONE = "Asia/Shanghai"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _hours(open_: str, close: str, weekend: tuple[str, str] | None = None) -> dict[str, list[str]]:
    hours = {d: [open_, close] for d in DAYS}
    if weekend:
        hours["sat"] = list(weekend)
        hours["sun"] = list(weekend)
    return hours


# ---------------------------------------------------------------------------------------------------
# Regions, merchants, stores


@dataclass(frozen=True)
class RegionDef:
    code: str
    name_zh: str
    name_en: str


REGIONS = [
    RegionDef("EAST", "华东", "East China"),
    RegionDef("NORTH", "华北", "North China"),
    RegionDef("SOUTHWEST", "西南", "Southwest China"),
    RegionDef("SOUTH", "华南", "South China"),
]


@dataclass(frozen=True)
class MerchantDef:
    code: str
    name: str
    contact_phone: str
    commission_bp: int


MERCHANTS = [
    MerchantDef("M-HZXL", "杭州鲜邻商贸有限公司", "13958001234", 600),
    MerchantDef("M-CDSH", "成都蜀汇零售有限公司", "13908187766", 550),
]


@dataclass(frozen=True)
class StoreDef:
    code: str
    name_zh: str
    name_en: str
    region: str
    city: str
    city_tier: int
    address: str
    phone: str
    latitude: float
    longitude: float
    opening_hours: dict[str, list[str]]
    area_sqm: int
    kind: str = "store"
    merchant: str | None = None
    flagship: bool = False
    delivery_radius_m: int = 5000
    pickup_enabled: bool = True
    delivery_enabled: bool = True


STANDARD = _hours("08:00", "22:00")
LATE = _hours("08:00", "22:00", ("08:00", "23:00"))
ALL_DAY = _hours("00:00", "24:00")

# Coordinates are the real neighbourhoods (WGS-84, to about 100 m).
# fmt: off
STORES = [
    StoreDef("SH001", "上海人民广场旗舰店", "Shanghai People's Square Flagship", "EAST", "上海", 1,
             "上海市黄浦区南京东路800号", "021-63225566", 31.2304, 121.4737, _hours("07:00", "23:00"), 1800,
             flagship=True, delivery_radius_m=6000),
    StoreDef("SH002", "上海徐家汇店", "Shanghai Xujiahui", "EAST", "上海", 1,
             "上海市徐汇区虹桥路1号", "021-64261122", 31.1955, 121.4365, LATE, 620),
    StoreDef("SH003", "上海陆家嘴店", "Shanghai Lujiazui", "EAST", "上海", 1,
             "上海市浦东新区世纪大道88号", "021-58791200", 31.2397, 121.4998, STANDARD, 540),
    StoreDef("SH004", "上海五角场店", "Shanghai Wujiaochang", "EAST", "上海", 1,
             "上海市杨浦区邯郸路600号", "021-65113388", 31.2990, 121.5140, LATE, 480),
    StoreDef("BJ001", "北京国贸店", "Beijing Guomao", "NORTH", "北京", 1,
             "北京市朝阳区建国门外大街1号", "010-65052288", 39.9088, 116.4597, LATE, 760),
    StoreDef("BJ002", "北京中关村店", "Beijing Zhongguancun", "NORTH", "北京", 1,
             "北京市海淀区中关村大街27号", "010-62566600", 39.9834, 116.3160, STANDARD, 520),
    StoreDef("BJ003", "北京望京店", "Beijing Wangjing", "NORTH", "北京", 1,
             "北京市朝阳区望京街10号", "010-84725511", 39.9966, 116.4808, STANDARD, 450),
    StoreDef("BJ004", "北京三里屯店", "Beijing Sanlitun", "NORTH", "北京", 1,
             "北京市朝阳区三里屯路19号", "010-64176633", 39.9337, 116.4546, _hours("09:00", "23:00"), 400),
    StoreDef("HZ001", "杭州湖滨店", "Hangzhou Hubin", "EAST", "杭州", 2,
             "杭州市上城区延安路258号", "0571-87061234", 30.2578, 120.1650, LATE, 580),
    StoreDef("HZ002", "杭州滨江店", "Hangzhou Binjiang", "EAST", "杭州", 2,
             "杭州市滨江区江南大道3688号", "0571-86695577", 30.2083, 120.2117, STANDARD, 430, merchant="M-HZXL"),
    StoreDef("HZ003", "杭州未来科技城店", "Hangzhou Future Sci-Tech City", "EAST", "杭州", 2,
             "杭州市余杭区文一西路1818号", "0571-88735599", 30.2870, 120.0000, STANDARD, 400, merchant="M-HZXL"),
    StoreDef("CD001", "成都春熙路店", "Chengdu Chunxi Road", "SOUTHWEST", "成都", 2,
             "成都市锦江区春熙路南段8号", "028-86651188", 30.6563, 104.0810, LATE, 650),
    StoreDef("CD002", "成都天府软件园店", "Chengdu Tianfu Software Park", "SOUTHWEST", "成都", 2,
             "成都市高新区天府大道中段1268号", "028-85336677", 30.5397, 104.0690, STANDARD, 420,
             merchant="M-CDSH"),
    StoreDef("CD003", "成都宽窄巷子店", "Chengdu Kuanzhai Alley", "SOUTHWEST", "成都", 2,
             "成都市青羊区长顺上街127号", "028-86259900", 30.6633, 104.0536, _hours("09:00", "22:00"), 380,
             merchant="M-CDSH"),
    StoreDef("SZ001", "深圳科技园店", "Shenzhen Hi-Tech Park", "SOUTH", "深圳", 1,
             "深圳市南山区科苑南路3099号", "0755-86961122", 22.5403, 113.9530, LATE, 560),
    StoreDef("SZ002", "深圳福田CBD店", "Shenzhen Futian CBD", "SOUTH", "深圳", 1,
             "深圳市福田区福华三路88号", "0755-82887700", 22.5410, 114.0590, STANDARD, 500),
    StoreDef("SZ003", "深圳东门店", "Shenzhen Dongmen", "SOUTH", "深圳", 1,
             "深圳市罗湖区解放路3003号", "0755-82332288", 22.5467, 114.1189, ALL_DAY, 360),
    StoreDef("WH-SH", "上海嘉定中心仓", "Shanghai Jiading Distribution Centre", "EAST", "上海", 1,
             "上海市嘉定区嘉松北路6000号", "021-59912345", 31.3747, 121.2655, ALL_DAY, 12000,
             kind="warehouse", pickup_enabled=False, delivery_enabled=False),
]
# fmt: on
FLAGSHIP = next(s.code for s in STORES if s.flagship)
WAREHOUSE = next(s.code for s in STORES if s.kind == "warehouse")

# ---------------------------------------------------------------------------------------------------
# Categories


@dataclass(frozen=True)
class CategoryDef:
    code: str
    name_zh: str
    name_en: str
    parent: str | None = None
    aisle: str | None = None


CATEGORIES = [
    CategoryDef("FRESH", "生鲜", "Fresh"),
    CategoryDef("FRUIT", "水果", "Fruit", "FRESH", "A"),
    CategoryDef("VEG", "蔬菜", "Vegetables", "FRESH", "B"),
    CategoryDef("DAIRY", "乳品", "Dairy", "FRESH", "C"),
    CategoryDef("MEAT", "肉禽", "Meat & Poultry", "FRESH", "D"),
    CategoryDef("GROCERY", "百货", "Groceries & Household"),
    CategoryDef("PANTRY", "粮油调味", "Pantry", "GROCERY", "E"),
    CategoryDef("SNACK", "休闲零食", "Snacks", "GROCERY", "F"),
    CategoryDef("DRINK", "酒水饮料", "Drinks", "GROCERY", "G"),
    CategoryDef("HOME", "个护清洁", "Personal Care & Cleaning", "GROCERY", "H"),
    CategoryDef("BAKERY", "烘焙", "Bakery", None, "J"),
    CategoryDef("BEAUTY", "美妆", "Beauty"),
    CategoryDef("SKIN", "护肤", "Skincare", "BEAUTY", "K"),
    CategoryDef("MAKEUP", "彩妆", "Makeup", "BEAUTY", "L"),
    CategoryDef("APPAREL", "服饰", "Apparel"),
    CategoryDef("MENSWEAR", "男装", "Menswear", "APPAREL", "M"),
    CategoryDef("WOMENSWEAR", "女装", "Womenswear", "APPAREL", "N"),
    CategoryDef("KIDSWEAR", "童装", "Kidswear", "APPAREL", "P"),
    CategoryDef("APPLIANCE", "家电", "Appliances"),
    CategoryDef("LARGE_APPL", "大家电", "Large Appliances", "APPLIANCE", "Q"),
    CategoryDef("SMALL_APPL", "小家电", "Small Appliances", "APPLIANCE", "R"),
    CategoryDef("SERVICE", "服务", "Services"),
    CategoryDef("HOME_SVC", "家政服务", "Home Services", "SERVICE"),
    CategoryDef("BEAUTY_SVC", "丽人服务", "Beauty & Wellness", "SERVICE"),
]
TOP_CATEGORIES = [c.code for c in CATEGORIES if c.parent is None]
_CATEGORY = {c.code: c for c in CATEGORIES}


def top_category(code: str) -> str:
    category = _CATEGORY[code]
    return category.code if category.parent is None else top_category(category.parent)


# ---------------------------------------------------------------------------------------------------
# Products and SKUs


@dataclass(frozen=True)
class SkuDef:
    code: str
    specs: dict[str, str]
    base_price: int
    cost_price: int | None
    barcode: str | None
    shelf_location: str | None
    weight_g: int | None
    colour: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class ProductDef:
    code: str
    category: str
    name_zh: str
    name_en: str
    brand: str | None
    unit: str
    price: int
    shape: str
    colour: tuple[int, int, int] | None = None
    shelf_life_days: int | None = None
    weight_g: int | None = None
    kind: str = "goods"
    specs: dict[str, list[str]] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    description_zh: str | None = None
    description_en: str | None = None
    skus: list[SkuDef] = field(default_factory=list)

    @property
    def top(self) -> str:
        return top_category(self.category)


def _rgb(hex_: str) -> tuple[int, int, int]:
    return int(hex_[0:2], 16), int(hex_[2:4], 16), int(hex_[4:6], 16)


# (zh, en, brand, unit, price fen, shape, colour hex, shelf life days, weight g, attributes)
Row = tuple[str, str, str | None, str, int, str, str | None, int | None, int | None, dict[str, Any]]

# fmt: off
FRUIT: list[Row] = [
    ("烟台红富士苹果 5斤装", "Yantai Fuji Apples 2.5kg", "烟台", "箱", 3990, "apple", "C8282D", 30, 2500, {"origin": "山东烟台"}),
    ("阿克苏冰糖心苹果 4个", "Aksu Rock-Sugar Apples x4", "阿克苏", "袋", 2290, "apple", "B83A2E", 30, 1000, {"origin": "新疆阿克苏"}),
    ("蛇果 2个装", "Red Delicious Apples x2", "佳农", "盒", 1590, "apple", "7E1420", 25, 500, {"origin": "美国华盛顿州"}),
    ("都乐香蕉 约1kg", "Dole Bananas approx. 1kg", "都乐", "把", 1290, "banana", "F2D03B", 5, 1000, {"origin": "菲律宾"}),
    ("海南小米蕉 1kg", "Hainan Baby Bananas 1kg", "海南", "袋", 1590, "banana", "E8C440", 4, 1000, {"origin": "海南"}),
    ("赣南脐橙 5斤装", "Gannan Navel Oranges 2.5kg", "赣南", "箱", 4590, "round_fruit", "F08A1C", 21, 2500, {"origin": "江西赣州"}),
    ("褚橙 3kg礼盒", "Chu Oranges Gift Box 3kg", "褚橙", "盒", 9800, "round_fruit", "F5A020", 21, 3000, {"origin": "云南玉溪"}),
    ("砂糖橘 2.5kg", "Shatang Mandarins 2.5kg", "广西", "箱", 3290, "round_fruit", "F47A10", 14, 2500, {"origin": "广西桂林"}),
    ("佳沛阳光金果 6个", "Zespri SunGold Kiwifruit x6", "佳沛", "盒", 4990, "cut_fruit", "E7D43A", 20, 600, {"origin": "新西兰"}),
    ("佳沛绿奇异果 6个", "Zespri Green Kiwifruit x6", "佳沛", "盒", 3990, "cut_fruit", "7DB640", 20, 600, {"origin": "新西兰"}),
    ("阳光玫瑰青提 500g", "Shine Muscat Grapes 500g", None, "盒", 3990, "grapes", "A6C84C", 10, 500, {"origin": "云南"}),
    ("夏黑葡萄 1kg", "Summer Black Grapes 1kg", None, "盒", 2990, "grapes", "3A2450", 7, 1000, {"origin": "浙江"}),
    ("麒麟西瓜 约4kg", "Qilin Watermelon approx. 4kg", None, "个", 3580, "melon", "E0344A", 10, 4000, {"origin": "海南"}),
    ("哈密瓜 约2kg", "Hami Melon approx. 2kg", None, "个", 2990, "melon", "F0A050", 12, 2000, {"origin": "新疆哈密"}),
    ("丹东99草莓 500g", "Dandong 99 Strawberries 500g", None, "盒", 5990, "berry", "D8203A", 4, 500, {"origin": "辽宁丹东"}),
    ("智利车厘子 JJ级 1kg", "Chilean Cherries JJ 1kg", None, "盒", 11900, "berry", "6E0E20", 10, 1000, {"origin": "智利"}),
    ("砀山酥梨 3kg", "Dangshan Crisp Pears 3kg", "砀山", "箱", 2990, "pear", "E8DC78", 30, 3000, {"origin": "安徽砀山"}),
    ("库尔勒香梨 2kg", "Korla Fragrant Pears 2kg", None, "箱", 3590, "pear", "C9D060", 30, 2000, {"origin": "新疆库尔勒"}),
    ("台农芒果 2.5kg", "Tainong Mangoes 2.5kg", None, "箱", 3990, "pear", "F4B82C", 10, 2500, {"origin": "海南"}),
    ("红心火龙果 4个", "Red Dragon Fruit x4", None, "袋", 2990, "cut_fruit", "D0206A", 10, 1600, {"origin": "广西"}),
    ("泰国金枕榴莲 约3kg", "Thai Monthong Durian approx. 3kg", None, "个", 19800, "round_fruit", "B8B048", 7, 3000, {"origin": "泰国"}),
    ("蓝莓 125g×2", "Blueberries 125g x2", "怡颗莓", "盒", 3990, "grapes", "34407E", 10, 250, {"origin": "云南"}),
]

VEG: list[Row] = [
    ("上海青 500g", "Shanghai Bok Choy 500g", None, "袋", 390, "leafy", "3E9A40", 4, 500, {}),
    ("大白菜 约2kg", "Napa Cabbage approx. 2kg", None, "颗", 590, "leafy", "B8D890", 10, 2000, {}),
    ("生菜 300g", "Lettuce 300g", None, "袋", 450, "leafy", "7CC050", 4, 300, {}),
    ("菠菜 400g", "Spinach 400g", None, "袋", 590, "leafy", "2E7A30", 3, 400, {}),
    ("西兰花 约500g", "Broccoli approx. 500g", None, "颗", 690, "tree_veg", "3A8A3A", 5, 500, {}),
    ("有机胡萝卜 1kg", "Organic Carrots 1kg", "禾煦", "袋", 790, "long_veg", "F07A20", 20, 1000, {"organic": True}),
    ("黄瓜 500g", "Cucumbers 500g", None, "袋", 490, "long_veg", "3C8A34", 7, 500, {}),
    ("长茄子 500g", "Long Eggplants 500g", None, "袋", 590, "long_veg", "4A2460", 7, 500, {}),
    ("铁棍山药 1kg", "Iron-Stick Yam 1kg", "焦作", "袋", 1990, "long_veg", "A8845C", 30, 1000, {"origin": "河南焦作"}),
    ("玉米 2根", "Sweet Corn x2", None, "袋", 690, "long_veg", "F0D040", 5, 700, {}),
    ("番茄 1kg", "Tomatoes 1kg", None, "袋", 890, "veg_round", "E03A2A", 10, 1000, {}),
    ("樱桃番茄 500g", "Cherry Tomatoes 500g", "千禧", "盒", 1290, "veg_round", "D8202A", 10, 500, {}),
    ("土豆 2.5kg", "Potatoes 2.5kg", None, "袋", 990, "veg_round", "C8A070", 30, 2500, {}),
    ("洋葱 1kg", "Onions 1kg", None, "袋", 590, "veg_round", "A8506A", 30, 1000, {}),
    ("彩椒 2个", "Bell Peppers x2", None, "袋", 790, "veg_round", "F0B020", 10, 400, {}),
    ("香菇 300g", "Shiitake Mushrooms 300g", None, "盒", 890, "mushroom", "7A5030", 7, 300, {}),
    ("金针菇 200g", "Enoki Mushrooms 200g", None, "袋", 290, "mushroom", "EEE6C8", 7, 200, {}),
    ("杏鲍菇 400g", "King Oyster Mushrooms 400g", None, "袋", 790, "mushroom", "D8C8A0", 7, 400, {}),
    ("鲜姜 250g", "Fresh Ginger 250g", None, "袋", 490, "veg_round", "D8B070", 30, 250, {}),
    ("大蒜 500g", "Garlic 500g", None, "袋", 690, "veg_round", "EEE8E0", 60, 500, {}),
]

DAIRY: list[Row] = [
    ("伊利纯牛奶 250ml×24", "Yili Pure Milk 250ml x24", "伊利", "箱", 6590, "carton", "2A5BB8", 180, 6200, {"storage": "常温"}),
    ("伊利纯牛奶 250ml×16", "Yili Pure Milk 250ml x16", "伊利", "箱", 4590, "carton", "3768C8", 180, 4100, {"storage": "常温"}),
    ("特仑苏纯牛奶 250ml×12", "Telunsu Pure Milk 250ml x12", "蒙牛", "箱", 6590, "carton", "1E4A8A", 180, 3100, {"storage": "常温"}),
    ("特仑苏有机纯牛奶 250ml×12", "Telunsu Organic Milk 250ml x12", "蒙牛", "箱", 7990, "carton", "2C7A48", 180, 3100, {"storage": "常温", "organic": True}),
    ("蒙牛纯牛奶 250ml×24", "Mengniu Pure Milk 250ml x24", "蒙牛", "箱", 5990, "carton", "3A9A48", 180, 6200, {"storage": "常温"}),
    ("光明优倍鲜牛奶 950ml", "Bright Youbei Fresh Milk 950ml", "光明", "瓶", 1990, "bottle", "E8F0F8", 7, 1000, {"storage": "冷藏"}),
    ("光明鲜牛奶 200ml", "Bright Fresh Milk 200ml", "光明", "瓶", 450, "bottle", "D0E4F4", 7, 210, {"storage": "冷藏"}),
    ("三元鲜牛奶 950ml", "Sanyuan Fresh Milk 950ml", "三元", "盒", 1590, "carton", "C83028", 7, 1000, {"storage": "冷藏"}),
    ("每日鲜语鲜牛奶 720ml", "Mengniu Daily Fresh Milk 720ml", "每日鲜语", "瓶", 2290, "bottle", "4A78C0", 15, 750, {"storage": "冷藏"}),
    ("安慕希希腊酸奶 205g×12", "Ambrosial Greek Yogurt 205g x12", "伊利", "箱", 6990, "carton", "5A9AD8", 150, 2600, {"storage": "常温"}),
    ("简爱原味酸奶 135g×6", "Simplelove Plain Yogurt 135g x6", "简爱", "组", 3290, "cup", "F2EDE0", 21, 810, {"storage": "冷藏"}),
    ("光明如实发酵乳 135g×4", "Bright Rushi Yogurt 135g x4", "光明", "组", 1990, "cup", "E86A8A", 21, 540, {"storage": "冷藏"}),
    ("卡士鲜酪乳 100g×3", "Classy Kiss Yogurt 100g x3", "卡士", "组", 1690, "cup", "8A4AA0", 21, 300, {"storage": "冷藏"}),
    ("味全每日C橙汁 900ml", "Weichuan Daily C Orange Juice 900ml", "味全", "瓶", 1590, "bottle", "F09020", 18, 950, {"storage": "冷藏"}),
    ("蒙牛真果粒草莓 250g×12", "Mengniu Fruit Milk Strawberry 250g x12", "蒙牛", "箱", 4990, "carton", "E04A70", 180, 3100, {"storage": "常温"}),
    ("旺仔牛奶 245ml×12", "Want Want Milk 245ml x12", "旺旺", "箱", 5490, "can", "D8202A", 365, 3200, {"storage": "常温"}),
    ("妙可蓝多马苏里拉奶酪 250g", "Milkground Mozzarella 250g", "妙可蓝多", "袋", 2990, "bag", "3A70C8", 180, 250, {"storage": "冷藏"}),
    ("妙可蓝多奶酪棒 500g", "Milkground Cheese Sticks 500g", "妙可蓝多", "袋", 4990, "bag", "F0B83A", 180, 500, {"storage": "冷藏"}),
    ("安佳黄油 227g", "Anchor Butter 227g", "安佳", "块", 2990, "box", "E8C848", 270, 227, {"storage": "冷藏"}),
    ("维他奶原味豆奶 250ml×24", "Vitasoy Soy Milk 250ml x24", "维他奶", "箱", 6490, "carton", "7A9A30", 270, 6200, {"storage": "常温"}),
    ("伊利金典纯牛奶 250ml×12", "Yili Satine Pure Milk 250ml x12", "伊利", "箱", 6590, "carton", "A88A3A", 180, 3100, {"storage": "常温"}),
    ("君乐宝简醇酸奶 150g×10", "Junlebao Jianchun Yogurt 150g x10", "君乐宝", "组", 3990, "cup", "58B8A8", 150, 1500, {"storage": "常温"}),
]

MEAT: list[Row] = [
    ("澳洲谷饲西冷牛排 200g", "Australian Grain-fed Sirloin 200g", "科尔沁", "盒", 5990, "steak", "B8282E", 5, 200, {"storage": "冷藏"}),
    ("国产精品五花肉 500g", "Pork Belly 500g", "双汇", "盒", 2590, "steak", "D8606A", 3, 500, {"storage": "冷藏"}),
    ("猪里脊肉 500g", "Pork Tenderloin 500g", "双汇", "盒", 2790, "steak", "E07A80", 3, 500, {"storage": "冷藏"}),
    ("精品牛腱子 1kg", "Beef Shank 1kg", "恒都", "袋", 8990, "steak", "9A2028", 5, 1000, {"storage": "冷冻"}),
    ("内蒙古羊肉卷 500g", "Inner Mongolia Lamb Rolls 500g", "小肥羊", "盒", 4590, "steak", "C84A50", 180, 500, {"storage": "冷冻"}),
    ("圣农鸡翅中 1kg", "Sunner Chicken Wings 1kg", "圣农", "袋", 4990, "drumstick", "E8B078", 180, 1000, {"storage": "冷冻"}),
    ("凤祥鸡腿 1kg", "Fengxiang Chicken Drumsticks 1kg", "凤祥", "袋", 2990, "drumstick", "F0C090", 180, 1000, {"storage": "冷冻"}),
    ("三黄鸡 约1.2kg", "Sanhuang Chicken approx. 1.2kg", None, "只", 4590, "drumstick", "F0D080", 3, 1200, {"storage": "冷藏"}),
    ("正大鲜鸡蛋 30枚", "CP Fresh Eggs x30", "正大", "盒", 2990, "eggs", "F0D8B0", 30, 1800, {}),
    ("德青源虎皮鸡蛋 10枚", "DQY Free-range Eggs x10", "德青源", "盒", 1590, "eggs", "C8905A", 30, 600, {}),
    ("土鸡蛋 20枚", "Farm Eggs x20", None, "盒", 2690, "eggs", "E8C8A0", 30, 1100, {}),
    ("鲜活鲈鱼 约600g", "Live Sea Bass approx. 600g", None, "条", 3590, "fish", "8A9AA8", 2, 600, {"storage": "冰鲜"}),
    ("挪威三文鱼刺身 200g", "Norwegian Salmon Sashimi 200g", None, "盒", 6990, "steak", "F08A60", 3, 200, {"storage": "冰鲜", "origin": "挪威"}),
    ("冷冻大虾仁 500g", "Frozen Shrimp Meat 500g", "国联", "袋", 5990, "fish", "F0A090", 365, 500, {"storage": "冷冻"}),
    ("带鱼段 500g", "Hairtail Fish Cuts 500g", None, "袋", 3990, "fish", "C0C8D0", 180, 500, {"storage": "冷冻"}),
    ("湾仔码头猪肉白菜水饺 1.32kg", "Wanchai Ferry Pork Dumplings 1.32kg", "湾仔码头", "袋", 4290, "bag", "C83030", 365, 1320, {"storage": "冷冻"}),
]

PANTRY: list[Row] = [
    ("五常大米 5kg", "Wuchang Rice 5kg", "金龙鱼", "袋", 6990, "bag", "C8A040", 365, 5000, {}),
    ("泰国茉莉香米 5kg", "Thai Jasmine Rice 5kg", "十月稻田", "袋", 5990, "bag", "3A8A50", 365, 5000, {}),
    ("金龙鱼黄金比例调和油 5L", "Arawana Blended Oil 5L", "金龙鱼", "桶", 7990, "jug", "F0C020", 540, 4600, {}),
    ("鲁花5S压榨花生油 5L", "Luhua 5S Peanut Oil 5L", "鲁花", "桶", 15990, "jug", "E8A810", 540, 4600, {}),
    ("欧丽薇兰特级初榨橄榄油 750ml", "Olivoila Extra Virgin Olive Oil 750ml", "欧丽薇兰", "瓶", 9990, "bottle", "5A7A20", 720, 900, {}),
    ("海天金标生抽 1.28L", "Haday Golden Label Light Soy 1.28L", "海天", "瓶", 1590, "bottle", "B02A20", 720, 1400, {}),
    ("李锦记蚝油 510g", "Lee Kum Kee Oyster Sauce 510g", "李锦记", "瓶", 1690, "bottle", "C8302A", 720, 650, {}),
    ("老干妈风味豆豉油辣椒 280g", "Laoganma Chili Crisp 280g", "老干妈", "瓶", 1190, "jar", "C82020", 540, 400, {}),
    ("恒顺镇江香醋 500ml", "Hengshun Zhenjiang Vinegar 500ml", "恒顺", "瓶", 990, "bottle", "3A2418", 720, 650, {}),
    ("中盐加碘精制盐 400g", "China Salt Iodised 400g", "中盐", "袋", 250, "bag", "2A70C0", 1080, 400, {}),
    ("太古优级白砂糖 1kg", "Taikoo White Sugar 1kg", "太古", "袋", 1290, "bag", "E8E8F0", 720, 1000, {}),
    ("金沙河挂面 1kg", "Jinshahe Noodles 1kg", "金沙河", "袋", 990, "bag", "E8C070", 365, 1000, {}),
    ("康师傅红烧牛肉面 5连包", "Master Kong Braised Beef Noodles x5", "康师傅", "组", 1490, "bag", "C82020", 180, 500, {}),
    ("统一老坛酸菜牛肉面 5连包", "Uni-President Pickled Cabbage Noodles x5", "统一", "组", 1490, "bag", "2A7A30", 180, 500, {}),
    ("思念黑芝麻汤圆 1kg", "Synear Black Sesame Tangyuan 1kg", "思念", "袋", 2290, "bag", "F2F0E8", 365, 1000, {"storage": "冷冻"}),
    ("东北黑木耳 250g", "Northeast Black Fungus 250g", "东北", "袋", 2990, "bag", "2A2020", 540, 250, {}),
    ("桂格即食燕麦片 1kg", "Quaker Instant Oats 1kg", "桂格", "罐", 3990, "can", "D83028", 540, 1000, {}),
    ("雀巢咖啡1+2原味 30条", "Nescafe 1+2 Original x30", "雀巢", "盒", 4990, "box", "B8202A", 540, 450, {}),
]

SNACK: list[Row] = [
    ("三只松鼠每日坚果 750g", "Three Squirrels Daily Nuts 750g", "三只松鼠", "盒", 9990, "box", "E8602A", 240, 750, {}),
    ("良品铺子猪肉脯 200g", "Bestore Pork Jerky 200g", "良品铺子", "袋", 3990, "bag", "A83A20", 240, 200, {}),
    ("乐事原味薯片 135g", "Lay's Classic Chips 135g", "乐事", "袋", 990, "bag", "F0C820", 270, 135, {}),
    ("乐事黄瓜味薯片 135g", "Lay's Cucumber Chips 135g", "乐事", "袋", 990, "bag", "5AB048", 270, 135, {}),
    ("奥利奥原味夹心饼干 388g", "Oreo Original Cookies 388g", "奥利奥", "盒", 1890, "box", "1A3A8A", 365, 388, {}),
    ("旺旺雪饼 520g", "Want Want Rice Crackers 520g", "旺旺", "袋", 2290, "bag", "E8302A", 270, 520, {}),
    ("德芙丝滑牛奶巧克力 252g", "Dove Silky Milk Chocolate 252g", "德芙", "盒", 4590, "box", "5A2A18", 365, 252, {}),
    ("费列罗榛果威化巧克力 16粒", "Ferrero Rocher x16", "费列罗", "盒", 6990, "box", "B8902A", 365, 200, {}),
    ("大白兔奶糖 227g", "White Rabbit Creamy Candy 227g", "大白兔", "袋", 1690, "bag", "E8F0F8", 540, 227, {}),
    ("卫龙大面筋 106g", "Weilong Spicy Gluten Strips 106g", "卫龙", "袋", 590, "bag", "D82020", 180, 106, {}),
    ("洽洽香瓜子 308g", "ChaCheer Sunflower Seeds 308g", "洽洽", "袋", 1290, "bag", "C8302A", 240, 308, {}),
    ("百草味夏威夷果 200g", "Be&Cheery Macadamias 200g", "百草味", "袋", 2990, "bag", "8A6030", 240, 200, {}),
    ("好丽友派 12枚", "Orion Choco Pie x12", "好丽友", "盒", 2290, "box", "C8202A", 365, 408, {}),
    ("康师傅3+2苏打饼干 375g", "Master Kong 3+2 Soda Crackers 375g", "康师傅", "盒", 1290, "box", "3A8AC8", 270, 375, {}),
    ("徐福记沙琪玛 469g", "Hsu Fu Chi Sachima 469g", "徐福记", "袋", 1990, "bag", "F0A030", 180, 469, {}),
    ("喜之郎果冻 600g", "Strong Jelly Cups 600g", "喜之郎", "袋", 1690, "bag", "E84A8A", 365, 600, {}),
    ("炫迈无糖口香糖 50g", "Stride Sugar-free Gum 50g", "炫迈", "瓶", 1190, "jar", "3AA0D8", 540, 50, {}),
    ("来伊份芒果干 120g", "Laiyifen Dried Mango 120g", "来伊份", "袋", 1590, "bag", "F4B020", 270, 120, {}),
]

DRINK: list[Row] = [
    ("农夫山泉饮用天然水 550ml×24", "Nongfu Spring Water 550ml x24", "农夫山泉", "箱", 2990, "bottle", "D8202A", 540, 13500, {}),
    ("怡宝纯净水 555ml×24", "C'estbon Purified Water 555ml x24", "怡宝", "箱", 2890, "bottle", "2A9A48", 540, 13600, {}),
    ("可口可乐 330ml×24", "Coca-Cola 330ml x24", "可口可乐", "箱", 5490, "can", "D8102A", 365, 8400, {}),
    ("百事可乐无糖 330ml×24", "Pepsi No Sugar 330ml x24", "百事", "箱", 5290, "can", "1A2A6A", 365, 8400, {}),
    ("元气森林白桃气泡水 480ml×15", "Genki Forest White Peach Soda 480ml x15", "元气森林", "箱", 6990, "bottle", "F0A0B0", 270, 7600, {}),
    ("东方树叶茉莉花茶 500ml×15", "Oriental Leaf Jasmine Tea 500ml x15", "农夫山泉", "箱", 5990, "bottle", "5AA048", 365, 7800, {}),
    ("康师傅冰红茶 500ml×15", "Master Kong Iced Black Tea 500ml x15", "康师傅", "箱", 3990, "bottle", "B83A20", 365, 7800, {}),
    ("红牛维生素功能饮料 250ml×24", "Red Bull 250ml x24", "红牛", "箱", 13900, "can", "E8B020", 540, 6600, {}),
    ("王老吉凉茶 310ml×24", "Wong Lo Kat Herbal Tea 310ml x24", "王老吉", "箱", 6690, "can", "D82020", 720, 8000, {}),
    ("椰树椰汁 245ml×24", "Coconut Palm Coconut Milk 245ml x24", "椰树", "箱", 8990, "can", "F0F0E8", 540, 6500, {}),
    ("青岛啤酒经典 500ml×12", "Tsingtao Classic Beer 500ml x12", "青岛啤酒", "箱", 6590, "can", "2A6A3A", 365, 6600, {"alcohol": True}),
    ("雪花勇闯天涯 500ml×12", "Snow Brave the World Beer 500ml x12", "雪花", "箱", 5490, "can", "2A5AA8", 365, 6600, {"alcohol": True}),
    ("哈尔滨啤酒冰纯 330ml×24", "Harbin Ice Beer 330ml x24", "哈尔滨", "箱", 6990, "can", "3A8AC8", 365, 8400, {"alcohol": True}),
    ("张裕干红葡萄酒 750ml", "Changyu Dry Red Wine 750ml", "张裕", "瓶", 9800, "bottle", "6A1020", 3650, 1300, {"alcohol": True}),
    ("江小白表达瓶 100ml", "Jiangxiaobai Expression 100ml", "江小白", "瓶", 2290, "bottle", "D8E8F0", 3650, 250, {"alcohol": True}),
    ("星巴克星倍醇咖啡 228ml×6", "Starbucks Doubleshot 228ml x6", "星巴克", "组", 8990, "can", "2A2A2A", 365, 1500, {}),
    ("三得利乌龙茶无糖 500ml×15", "Suntory Oolong Tea No Sugar 500ml x15", "三得利", "箱", 7490, "bottle", "A87A30", 365, 7800, {}),
    ("六个核桃 240ml×20", "Six Walnuts Drink 240ml x20", "养元", "箱", 6990, "can", "3A6AB8", 540, 5400, {}),
]

HOME: list[Row] = [
    ("维达超韧抽纸 3层100抽×24包", "Vinda Facial Tissue 3-ply x24", "维达", "提", 6990, "box", "3A7AC8", None, 3000, {}),
    ("清风原木纯品卷纸 27卷", "Breeze Toilet Rolls x27", "清风", "提", 5990, "bag", "3AA86A", None, 3800, {}),
    ("心相印湿巾 80片×3", "Hearttex Wet Wipes 80 x3", "心相印", "组", 2990, "bag", "E88AA8", 1080, 1200, {}),
    ("蓝月亮深层洁净洗衣液 3kg", "Bluemoon Laundry Liquid 3kg", "蓝月亮", "瓶", 5990, "jug", "2A5AC8", 1080, 3100, {}),
    ("立白洗洁精 1.5kg", "Liby Dish Soap 1.5kg", "立白", "瓶", 1590, "bottle", "5AC84A", 1080, 1600, {}),
    ("奥妙除菌洗衣凝珠 52颗", "OMO Disinfecting Laundry Pods x52", "奥妙", "盒", 6990, "box", "3A9AD8", 1080, 1100, {}),
    ("威露士消毒液 1L", "Walch Disinfectant 1L", "威露士", "瓶", 4590, "bottle", "F0F0F0", 1080, 1150, {}),
    ("佳洁士3D炫白牙膏 180g", "Crest 3D White Toothpaste 180g", "佳洁士", "支", 2490, "tube", "2A6AC8", 1080, 200, {}),
    ("云南白药牙膏 180g", "Yunnan Baiyao Toothpaste 180g", "云南白药", "支", 3590, "tube", "C82A2A", 1080, 200, {}),
    ("高露洁超软牙刷 4支", "Colgate Ultra-soft Toothbrush x4", "高露洁", "组", 2990, "box", "D82A2A", None, 120, {}),
    ("飞利浦电动牙刷 HX2431", "Philips Sonicare HX2431", "飞利浦", "支", 29900, "tube", "F0F0F8", None, 300, {}),
    ("海飞丝去屑洗发水 750ml", "Head & Shoulders Shampoo 750ml", "海飞丝", "瓶", 7990, "pump", "2A6AB8", 1080, 820, {}),
    ("潘婷氨基酸洗发水 530ml", "Pantene Amino Acid Shampoo 530ml", "潘婷", "瓶", 6490, "pump", "E8C040", 1080, 600, {}),
    ("舒肤佳纯白清香沐浴露 1L", "Safeguard Body Wash 1L", "舒肤佳", "瓶", 4990, "pump", "F0F0F0", 1080, 1100, {}),
    ("多芬滋养美肤沐浴乳 730g", "Dove Nourishing Body Wash 730g", "多芬", "瓶", 5990, "pump", "E8E8F8", 1080, 800, {}),
    ("护舒宝日用卫生巾 10片×3", "Whisper Daytime Pads 10 x3", "护舒宝", "组", 3990, "bag", "8A4AA8", 1080, 300, {}),
    ("帮宝适一级帮纸尿裤 L 52片", "Pampers Ichiban Diapers L x52", "帮宝适", "包", 15900, "bag", "5AB0E0", 1080, 1800, {}),
    ("妙洁一次性保鲜袋 200只", "Miaojie Food Bags x200", "妙洁", "盒", 1590, "box", "3AB0A0", None, 300, {}),
]

BAKERY: list[Row] = [
    ("原味吐司 400g", "Plain Toast Loaf 400g", "门店现烤", "袋", 1290, "loaf", "D8A060", 3, 400, {}),
    ("全麦吐司 400g", "Whole Wheat Toast 400g", "门店现烤", "袋", 1590, "loaf", "A87040", 3, 400, {}),
    ("黄油牛角包 4个", "Butter Croissants x4", "门店现烤", "盒", 1990, "croissant", "E0A050", 2, 240, {}),
    ("法式长棍面包", "French Baguette", "门店现烤", "根", 990, "loaf", "C88A40", 1, 250, {}),
    ("肉松小贝 6个", "Pork Floss Cakes x6", "门店现烤", "盒", 2490, "bun", "E8C070", 3, 300, {}),
    ("红豆面包 2个", "Red Bean Buns x2", "门店现烤", "袋", 890, "bun", "C89060", 3, 200, {}),
    ("菠萝包 2个", "Pineapple Buns x2", "门店现烤", "袋", 990, "bun", "F0C050", 2, 200, {}),
    ("奶油泡芙 6个", "Cream Puffs x6", "门店现烤", "盒", 1690, "bun", "F0D8A0", 2, 180, {"storage": "冷藏"}),
    ("提拉米苏 切块", "Tiramisu Slice", "门店现烤", "块", 2290, "cake", "8A5A3A", 2, 150, {"storage": "冷藏"}),
    ("草莓奶油蛋糕 6寸", "Strawberry Cream Cake 6-inch", "门店现烤", "个", 12800, "cake", "F8E8E8", 2, 800, {"storage": "冷藏"}),
    ("黑森林蛋糕 6寸", "Black Forest Cake 6-inch", "门店现烤", "个", 13800, "cake", "4A2A1A", 2, 800, {"storage": "冷藏"}),
    ("芝士蛋糕 切块", "Cheesecake Slice", "门店现烤", "块", 1990, "cake", "F0D890", 3, 150, {"storage": "冷藏"}),
    ("蛋挞 4个", "Egg Tarts x4", "门店现烤", "盒", 1590, "bun", "F4C040", 2, 240, {}),
    ("桃李醇熟切片面包 400g", "Toly Sliced Bread 400g", "桃李", "袋", 1090, "loaf", "E0B070", 7, 400, {}),
    ("曼可顿全麦面包 400g", "Mankattan Whole Wheat Bread 400g", "曼可顿", "袋", 1290, "loaf", "9A6A3A", 7, 400, {}),
    ("达利园法式软面包 600g", "Daliyuan French Soft Bread 600g", "达利园", "袋", 2290, "croissant", "E8B060", 45, 600, {}),
    ("宾堡巧克力麦芬 2个", "Bimbo Chocolate Muffins x2", "宾堡", "袋", 990, "bun", "5A3020", 30, 160, {}),
    ("稻香村枣花酥 6个", "Daoxiangcun Date Pastries x6", "稻香村", "盒", 2990, "bun", "D8B080", 60, 300, {}),
]

SKIN: list[Row] = [
    ("兰蔻小黑瓶精华 50ml", "Lancôme Advanced Génifique 50ml", "兰蔻", "瓶", 108000, "pump", "1A1A1A", 1080, 200, {}),
    ("雅诗兰黛特润修护精华 50ml", "Estée Lauder Advanced Night Repair 50ml", "雅诗兰黛", "瓶", 96000, "pump", "5A3A1A", 1080, 200, {}),
    ("SK-II护肤精华露 230ml", "SK-II Facial Treatment Essence 230ml", "SK-II", "瓶", 154000, "perfume", "A82030", 1080, 500, {}),
    ("欧莱雅复颜玻尿酸水光充盈面霜 50ml", "L'Oréal Revitalift Filler Cream 50ml", "欧莱雅", "瓶", 29900, "jar", "3A6AB8", 1080, 150, {}),
    ("珀莱雅红宝石精华 30ml", "Proya Ruby Serum 30ml", "珀莱雅", "瓶", 35900, "pump", "C81A3A", 1080, 120, {}),
    ("薇诺娜舒敏保湿特护霜 50g", "Winona Soothing Cream 50g", "薇诺娜", "支", 26800, "tube", "2A9A8A", 1080, 80, {}),
    ("百雀羚水能量焕颜霜 50g", "Pechoin Hydrating Cream 50g", "百雀羚", "瓶", 16800, "jar", "3AA86A", 1080, 150, {}),
    ("自然堂喜马拉雅面膜 5片", "Chando Himalaya Face Masks x5", "自然堂", "盒", 9900, "mask", "5AB0E0", 1080, 150, {}),
    ("完美日记玫瑰卸妆水 500ml", "Perfect Diary Rose Micellar Water 500ml", "完美日记", "瓶", 8900, "bottle", "F0A0B8", 1080, 550, {}),
    ("安耐晒金瓶防晒霜 60ml", "Anessa Perfect UV Sunscreen 60ml", "安耐晒", "瓶", 19800, "bottle", "D8B030", 1080, 90, {}),
    ("大宝SOD蜜 200ml", "Dabao SOD Lotion 200ml", "大宝", "瓶", 2590, "pump", "F0F0F0", 1080, 240, {}),
    ("曼秀雷敦润唇膏 3.5g", "Mentholatum Lip Balm 3.5g", "曼秀雷敦", "支", 2990, "lipstick", "3AA0D8", 1080, 10, {}),
]

MAKEUP: list[Row] = [
    ("圣罗兰方管口红 #1966", "YSL Rouge Pur Couture #1966", "圣罗兰", "支", 38000, "lipstick", "A81A1A", 1080, 30, {}),
    ("迪奥烈艳蓝金唇膏 #999", "Dior Rouge Dior #999", "迪奥", "支", 38000, "lipstick", "C8102A", 1080, 30, {}),
    ("MAC子弹头口红 Chili", "MAC Lipstick Chili", "MAC", "支", 17000, "lipstick", "A83A2A", 1080, 30, {}),
    ("花西子空气蜜粉 8g", "Florasis Air Loose Powder 8g", "花西子", "盒", 14900, "compact", "F0D8C8", 1080, 60, {}),
    ("完美日记动物眼影盘", "Perfect Diary Explorer Eyeshadow Palette", "完美日记", "盒", 12900, "compact", "8A5AA8", 1080, 60, {}),
    ("雅诗兰黛DW持妆粉底液 30ml", "Estée Lauder Double Wear Foundation 30ml", "雅诗兰黛", "瓶", 41000, "perfume", "D8B090", 1080, 100, {}),
    ("美宝莲睫毛膏", "Maybelline Lash Sensational Mascara", "美宝莲", "支", 12900, "lipstick", "C82A6A", 1080, 30, {}),
    ("卡姿兰大眼睛眼线笔", "Carslan Big Eyes Eyeliner", "卡姿兰", "支", 6900, "lipstick", "1A1A1A", 1080, 15, {}),
    ("香奈儿可可小姐淡香水 50ml", "Chanel Coco Mademoiselle EDT 50ml", "香奈儿", "瓶", 98000, "perfume", "E8B8A0", 1800, 250, {}),
    ("阿玛尼权力粉底液 30ml", "Armani Power Fabric Foundation 30ml", "阿玛尼", "瓶", 58000, "perfume", "3A3A3A", 1080, 110, {}),
]

LARGE_APPL: list[Row] = [
    ("海尔十字对开门冰箱 BCD-500", "Haier French-door Fridge BCD-500", "海尔", "台", 499900, "fridge", "C8CCD0", None, 95000, {"warranty_years": 3}),
    ("美的双开门冰箱 BCD-606", "Midea Side-by-side Fridge BCD-606", "美的", "台", 399900, "fridge", "5A5A60", None, 100000, {"warranty_years": 3}),
    ("小天鹅滚筒洗衣机 10kg", "Little Swan Front-load Washer 10kg", "小天鹅", "台", 299900, "washer", "F0F0F0", None, 70000, {"warranty_years": 3}),
    ("海尔洗烘一体机 10kg", "Haier Washer-Dryer 10kg", "海尔", "台", 399900, "washer", "8A8A90", None, 75000, {"warranty_years": 3}),
    ("小米电视 65英寸 4K", "Xiaomi TV 65-inch 4K", "小米", "台", 349900, "tv", "3A6AC8", None, 22000, {"warranty_years": 1}),
    ("海信激光电视 100英寸", "Hisense Laser TV 100-inch", "海信", "台", 1299900, "tv", "C86A3A", None, 40000, {"warranty_years": 3}),
    ("格力云佳空调 1.5匹 挂机", "Gree Yunjia Air Conditioner 1.5HP", "格力", "套", 329900, "tower", "F0F0F0", None, 45000, {"warranty_years": 6}),
]

SMALL_APPL: list[Row] = [
    ("美的电饭煲 4L", "Midea Rice Cooker 4L", "美的", "台", 29900, "cooker", "C8C8D0", None, 3500, {"warranty_years": 1}),
    ("苏泊尔球釜电饭煲 5L", "Supor Spherical Rice Cooker 5L", "苏泊尔", "台", 49900, "cooker", "B82A2A", None, 4200, {"warranty_years": 1}),
    ("九阳破壁料理机", "Joyoung High-speed Blender", "九阳", "台", 59900, "cup", "E8E8F0", None, 4800, {"warranty_years": 1}),
    ("美的电热水壶 1.7L", "Midea Electric Kettle 1.7L", "美的", "台", 9900, "kettle", "F0F0F0", None, 1200, {"warranty_years": 1}),
    ("格兰仕微波炉 20L", "Galanz Microwave 20L", "格兰仕", "台", 39900, "microwave", "D8D8D8", None, 11000, {"warranty_years": 1}),
    ("戴森吹风机 HD15", "Dyson Supersonic HD15", "戴森", "台", 299900, "hairdryer", "C83A7A", None, 700, {"warranty_years": 2}),
    ("飞科高速吹风机", "Flyco High-speed Hair Dryer", "飞科", "台", 19900, "hairdryer", "3A3A3A", None, 500, {"warranty_years": 1}),
    ("小米空气净化器 4", "Xiaomi Air Purifier 4", "小米", "台", 89900, "tower", "F0F0F0", None, 7000, {"warranty_years": 1}),
    ("艾美特落地扇", "Airmate Floor Fan", "艾美特", "台", 19900, "fan", "3A8AC8", None, 5000, {"warranty_years": 1}),
    ("科沃斯扫地机器人 T20", "Ecovacs Deebot T20", "科沃斯", "台", 399900, "compact", "1A1A1A", None, 4000, {"warranty_years": 1}),
    ("德尔玛手持吸尘器", "Deerma Handheld Vacuum", "德尔玛", "台", 29900, "hairdryer", "E8E8E8", None, 1500, {"warranty_years": 1}),
    ("摩飞多功能料理锅", "Morphy Richards Multi Cooker", "摩飞", "台", 49900, "cooker", "3A8A5A", None, 3000, {"warranty_years": 1}),
]

# Products sold in several colours (颜色), one SKU per colour: (zh, colours).
COLOURED_APPLIANCES = {
    "美的电热水壶 1.7L": ["白", "黑"],
    "戴森吹风机 HD15": ["紫", "蓝"],
    "九阳破壁料理机": ["白", "绿"],
    "艾美特落地扇": ["白", "蓝"],
}

# Apparel: (zh, en, brand, shape, colours, sizes, price fen, category).
APPAREL: list[tuple[str, str, str, str, list[str], list[str], int, str]] = [
    ("男士纯棉圆领T恤", "Men's Cotton Crew-neck T-shirt", "优衣库", "tshirt",
     ["白", "黑", "藏青", "灰"], ["S", "M", "L", "XL", "XXL"], 7900, "MENSWEAR"),
    ("男士牛津纺长袖衬衫", "Men's Oxford Long-sleeve Shirt", "海澜之家", "shirt",
     ["白", "天蓝", "藏青"], ["M", "L", "XL", "XXL"], 19900, "MENSWEAR"),
    ("男士休闲直筒长裤", "Men's Straight Casual Trousers", "海澜之家", "pants",
     ["卡其", "黑", "藏青"], ["29", "30", "31", "32", "33", "34"], 25900, "MENSWEAR"),
    ("连帽加绒卫衣", "Fleece-lined Hoodie", "李宁", "hoodie",
     ["灰", "黑", "军绿", "卡其"], ["S", "M", "L", "XL"], 29900, "MENSWEAR"),
    ("摇粒绒立领外套", "Fleece Stand-collar Jacket", "波司登", "hoodie",
     ["浅灰", "藏青"], ["M", "L", "XL"], 39900, "MENSWEAR"),
    ("女士圆领短袖T恤", "Women's Crew-neck Short-sleeve T-shirt", "优衣库", "tshirt",
     ["白", "粉", "天蓝", "黑"], ["S", "M", "L", "XL"], 6900, "WOMENSWEAR"),
    ("女士真丝衬衫", "Women's Silk Blouse", "太平鸟", "shirt",
     ["米白", "黑", "酒红"], ["S", "M", "L"], 59900, "WOMENSWEAR"),
    ("女士碎花连衣裙", "Women's Floral Dress", "太平鸟", "dress",
     ["红", "藏青", "米白"], ["S", "M", "L"], 45900, "WOMENSWEAR"),
    ("女士高腰阔腿裤", "Women's High-waist Wide-leg Trousers", "ONLY", "pants",
     ["黑", "卡其"], ["S", "M", "L"], 39900, "WOMENSWEAR"),
    ("儿童纯棉短袖T恤", "Kids' Cotton T-shirt", "巴拉巴拉", "tshirt",
     ["黄", "天蓝", "粉"], ["110", "120", "130", "140"], 5900, "KIDSWEAR"),
    ("儿童运动套装", "Kids' Tracksuit", "安踏儿童", "hoodie",
     ["红", "藏青"], ["110", "120", "130", "140"], 19900, "KIDSWEAR"),
]
APPAREL_EN_COLOURS = {
    "白": "White", "黑": "Black", "藏青": "Navy", "灰": "Grey", "浅灰": "Light Grey", "天蓝": "Sky Blue",
    "卡其": "Khaki", "军绿": "Army Green", "粉": "Pink", "米白": "Ivory", "酒红": "Burgundy", "红": "Red",
    "黄": "Yellow", "紫": "Purple", "蓝": "Blue", "绿": "Green",
}

# Services (kind="service"): (zh, en, provider brand, shape, colour hex, options: [(spec value, price, minutes)], cat)
SERVICES: list[tuple[str, str, str, str, str, list[tuple[str, int, int]], str, str]] = [
    ("日常保洁", "Regular Home Cleaning", "OMO到家", "house", "4A9A5A",
     [("2小时", 9900, 120), ("3小时", 13900, 180), ("4小时", 17900, 240)], "HOME_SVC",
     "保洁师上门，客厅、卧室、厨房、卫生间日常清洁。"),
    ("深度保洁", "Deep Home Cleaning", "OMO到家", "house", "2A7AC8",
     [("90平米以内", 39900, 360), ("90-140平米", 55900, 480)], "HOME_SVC",
     "全屋深度清洁：玻璃、油烟、卫浴除垢、柜内清洁。"),
    ("空调清洗", "Air Conditioner Cleaning", "OMO到家", "droplet", "3AA0D8",
     [("挂机", 8900, 60), ("柜机", 12900, 90)], "HOME_SVC", "拆洗滤网与蒸发器，高温蒸汽杀菌。"),
    ("油烟机清洗", "Range Hood Cleaning", "OMO到家", "droplet", "C87A2A",
     [("标准", 15900, 120)], "HOME_SVC", "拆洗油网、风轮与内腔，去除顽固油污。"),
    ("洗衣机清洗", "Washing Machine Cleaning", "OMO到家", "droplet", "5A5AC8",
     [("波轮", 11900, 90), ("滚筒", 14900, 120)], "HOME_SVC", "拆洗内筒，除垢除菌。"),
    ("上门按摩", "In-home Massage", "OMO悦享", "hands", "C85A8A",
     [("60分钟", 19900, 60), ("90分钟", 27900, 90)], "BEAUTY_SVC", "持证理疗师上门，肩颈放松与全身推拿。"),
    ("门店美甲", "In-store Manicure", "OMO悦享", "nails", "E04A7A",
     [("纯色", 12800, 60), ("款式美甲", 19800, 90)], "BEAUTY_SVC", "预约到店，专业美甲师服务。"),
    ("家电维修检测", "Appliance Repair Check", "OMO到家", "droplet", "8A8A3A",
     [("上门检测", 5000, 60)], "HOME_SVC", "技师上门检测故障，维修另行报价。"),
]

# fmt: on

# How much of the base price the goods cost the chain, by top category (per mille).
COST_RATIO = {"FRESH": 700, "GROCERY": 740, "BAKERY": 450, "BEAUTY": 550, "APPAREL": 420, "APPLIANCE": 780}

_PREFIX = {
    "FRUIT": "FRU",
    "VEG": "VEG",
    "DAIRY": "DAI",
    "MEAT": "MEA",
    "PANTRY": "PAN",
    "SNACK": "SNK",
    "DRINK": "DRK",
    "HOME": "HOM",
    "BAKERY": "BAK",
    "SKIN": "SKN",
    "MAKEUP": "MKP",
    "LARGE_APPL": "LAP",
    "SMALL_APPL": "SAP",
    "MENSWEAR": "MEN",
    "WOMENSWEAR": "WMN",
    "KIDSWEAR": "KID",
    "HOME_SVC": "HSV",
    "BEAUTY_SVC": "BSV",
}


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def ean13_for(sku_code: str) -> str:
    """A stable EAN-13 under the GS1 China prefixes (690-699) for a SKU code, with its check digit."""
    body = f"69{_digest('ean:' + sku_code) % 10**10:010d}"
    return body + str(check_digit(body))


def historic_sales(product_code: str) -> int:
    """Units sold before the chain came onto the platform, for the best-seller sort."""
    return _digest("sales:" + product_code) % 900 + 20


def _cost(price: int, top: str) -> int:
    return (price * COST_RATIO[top] + 500) // 1000


def _shelf(category: str, index: int) -> str | None:
    aisle = _CATEGORY[category].aisle
    if aisle is None:
        return None
    return f"{aisle}{index // 4 + 1:02d}-{index % 4 + 1}"


def _goods(category: str, rows: list[Row]) -> list[ProductDef]:
    top = top_category(category)
    products = []
    for i, (zh, en, brand, unit, price, shape, colour, shelf_life, weight, attrs) in enumerate(rows, start=1):
        code = f"{_PREFIX[category]}{i:03d}"
        fresh = top in ("FRESH", "BAKERY")
        colours = COLOURED_APPLIANCES.get(zh)
        if colours:
            specs = {"颜色": colours}
            skus = [
                SkuDef(
                    f"{code}-{k + 1:02d}",
                    {"颜色": c},
                    price,
                    _cost(price, top),
                    ean13_for(f"{code}-{k + 1:02d}"),
                    _shelf(category, i - 1),
                    weight,
                    COLOURS[c],
                )
                for k, c in enumerate(colours)
            ]
        else:
            specs = {}
            skus = [
                SkuDef(
                    f"{code}-01",
                    {},
                    price,
                    _cost(price, top),
                    ean13_for(f"{code}-01"),
                    _shelf(category, i - 1),
                    weight,
                )
            ]
        products.append(
            ProductDef(
                code=code,
                category=category,
                name_zh=zh,
                name_en=en,
                brand=brand,
                unit=unit,
                price=price,
                shape=shape,
                colour=_rgb(colour) if colour else None,
                shelf_life_days=shelf_life if fresh else None,
                weight_g=weight,
                specs=specs,
                attributes={**attrs, **({"shelf_life_days": shelf_life} if shelf_life and not fresh else {})},
                skus=skus,
            )
        )
    return products


def _apparel() -> list[ProductDef]:
    products = []
    counters: dict[str, int] = {}
    for zh, en, brand, shape, colours, sizes, price, category in APPAREL:
        counters[category] = counters.get(category, 0) + 1
        index = counters[category]
        code = f"{_PREFIX[category]}{index:03d}"
        skus = []
        for ci, colour in enumerate(colours):
            for size in sizes:
                # Larger sizes cost a little more for trousers and kids' wear.
                bump = 1000 if shape == "pants" and size in ("33", "34") else 0
                sku_code = f"{code}-{ci + 1:02d}-{size}"
                skus.append(
                    SkuDef(
                        sku_code,
                        {"颜色": colour, "尺码": size},
                        price + bump,
                        _cost(price + bump, "APPAREL"),
                        ean13_for(sku_code),
                        _shelf(category, index - 1),
                        300,
                        COLOURS[colour],
                    )
                )
        products.append(
            ProductDef(
                code=code,
                category=category,
                name_zh=zh,
                name_en=en,
                brand=brand,
                unit="件",
                price=price,
                shape=shape,
                colour=COLOURS[colours[0]],
                specs={"颜色": colours, "尺码": sizes},
                attributes={
                    "material": "棉" if shape in ("tshirt", "hoodie") else "混纺",
                    "colours_en": ",".join(f"{c}={APPAREL_EN_COLOURS[c]}" for c in colours),
                },
                skus=skus,
            )
        )
    return products


def _services() -> list[ProductDef]:
    products = []
    counters: dict[str, int] = {}
    for zh, en, brand, shape, colour, options, category, description in SERVICES:
        counters[category] = counters.get(category, 0) + 1
        code = f"{_PREFIX[category]}{counters[category]:03d}"
        spec = "时长" if options[0][0].endswith(("小时", "分钟")) else "规格"
        skus = [
            SkuDef(f"{code}-{k + 1:02d}", {spec: value}, price, None, None, None, None)
            for k, (value, price, _minutes) in enumerate(options)
        ]
        products.append(
            ProductDef(
                code=code,
                category=category,
                name_zh=zh,
                name_en=en,
                brand=brand,
                unit="次",
                price=options[0][1],
                shape=shape,
                colour=_rgb(colour),
                kind="service",
                specs={spec: [o[0] for o in options]},
                attributes={
                    "duration_min": options[0][2],
                    "durations": ",".join(f"{value}={minutes}" for value, _p, minutes in options),
                    "on_site": category == "HOME_SVC",
                },
                description_zh=description,
                skus=skus,
            )
        )
    return products


def build_products() -> list[ProductDef]:
    products = (
        _goods("FRUIT", FRUIT)
        + _goods("VEG", VEG)
        + _goods("DAIRY", DAIRY)
        + _goods("MEAT", MEAT)
        + _goods("PANTRY", PANTRY)
        + _goods("SNACK", SNACK)
        + _goods("DRINK", DRINK)
        + _goods("HOME", HOME)
        + _goods("BAKERY", BAKERY)
        + _goods("SKIN", SKIN)
        + _goods("MAKEUP", MAKEUP)
        + _goods("LARGE_APPL", LARGE_APPL)
        + _goods("SMALL_APPL", SMALL_APPL)
        + _apparel()
        + _services()
    )
    return [
        p
        if p.description_zh
        else ProductDef(
            **{**p.__dict__, "description_zh": _describe_zh(p), "description_en": _describe_en(p)}
        )
        for p in products
    ]


def _describe_zh(p: ProductDef) -> str:
    origin = p.attributes.get("origin")
    parts = [p.name_zh]
    if p.brand:
        parts.append(f"品牌：{p.brand}")
    if origin:
        parts.append(f"产地：{origin}")
    if p.shelf_life_days:
        parts.append(f"保质期：{p.shelf_life_days}天")
    if p.attributes.get("storage"):
        parts.append(f"储存：{p.attributes['storage']}")
    return "；".join(parts) + "。"


def _describe_en(p: ProductDef) -> str:
    text = p.name_en
    if p.shelf_life_days:
        text += f". Shelf life {p.shelf_life_days} days"
    return text + "."


PRODUCTS = build_products()

# Slow movers: plenty on the shelves and no sales, for the replenishment and markdown demos.
SLOW_MOVERS = ["PAN005-01", "HOM011-01", "SKN003-01", "LAP006-01", "WMN002-02-M", "SNK008-01", "DRK014-01"]

# ---------------------------------------------------------------------------------------------------
# Prices: a city-tier list, a regional list and store overrides (fen).


@dataclass(frozen=True)
class PriceListDef:
    name: str
    scope: str  # city_tier | region | store
    scope_key: str | int  # tier number, region code or store code
    priority: int
    prices: dict[str, int]


def _round10(fen: float) -> int:
    return int(round(fen / 10.0)) * 10


def build_price_lists() -> list[PriceListDef]:
    skus = {s.code: (p, s) for p in PRODUCTS for s in p.skus}
    tier1 = {
        code: _round10(s.base_price * 1.05)
        for code, (p, s) in skus.items()
        if p.top in ("FRESH", "BAKERY") and _digest("tier1:" + code) % 3 != 0
    }
    southwest = {
        code: _round10(s.base_price * 0.97)
        for code, (p, s) in skus.items()
        if p.category in ("DRINK", "SNACK")
    }
    return [
        PriceListDef("一线城市生鲜烘焙价 (+5%)", "city_tier", 1, 10, tier1),
        PriceListDef("西南区酒饮零食价 (-3%)", "region", "SOUTHWEST", 20, southwest),
        PriceListDef(
            "人民广场旗舰店特价",
            "store",
            FLAGSHIP,
            100,
            {"DAI001-01": 5990, "DAI003-01": 5990, "FRU004-01": 990},
        ),
        PriceListDef("深圳东门店夜宵价", "store", "SZ003", 100, {"SNK003-01": 890, "DRK003-01": 4990}),
    ]


PRICE_LISTS = build_price_lists()

# ---------------------------------------------------------------------------------------------------
# Stock plans: quantity, safety stock, reorder point and (for fresh goods) batches, per store and SKU.


@dataclass(frozen=True)
class BatchPlan:
    batch_no: str
    quantity: int
    expires_on: date | None


@dataclass(frozen=True)
class StockPlan:
    store: str
    sku: str
    on_hand: int
    safety_stock: int
    reorder_point: int
    batches: list[BatchPlan]
    unit_cost: int | None


_BASE_QTY = {
    "FRESH": (12, 60),
    "GROCERY": (15, 80),
    "BAKERY": (6, 24),
    "BEAUTY": (3, 18),
    "APPAREL": (1, 8),
    "APPLIANCE": (0, 4),
}
_REORDER = {"FRESH": 10, "GROCERY": 8, "BAKERY": 5, "BEAUTY": 3, "APPAREL": 2, "APPLIANCE": 1}


def stock_plans(today: date) -> list[StockPlan]:
    """Every goods SKU at every store and the warehouse; quantities and batches depend only on the codes
    (and, for expiry dates, on ``today``)."""
    plans: list[StockPlan] = []
    for store in STORES:
        for product in PRODUCTS:
            if not carries(store, product):
                continue
            for sku in product.skus:
                plans.append(_plan(store, product, sku, today))
    return plans


# Large appliances are shown in the big stores only; apparel in stores of 500 m² and more.
LARGE_APPLIANCE_STORES = {FLAGSHIP, WAREHOUSE, "BJ001", "SZ001"}


def carries(store: StoreDef, product: ProductDef) -> bool:
    """Whether a store stocks a product at all (services are never stocked)."""
    if product.kind != "goods":
        return False
    if product.category == "LARGE_APPL":
        return store.code in LARGE_APPLIANCE_STORES
    if product.top == "APPAREL":
        return store.kind == "warehouse" or store.area_sqm >= 500
    return True


def _plan(store: StoreDef, product: ProductDef, sku: SkuDef, today: date) -> StockPlan:
    rng = random.Random(_digest(f"stock:{store.code}:{sku.code}"))
    top = product.top
    low, high = _BASE_QTY[top]
    reorder = _REORDER[top]
    if store.kind == "warehouse":
        qty = 0 if top == "BAKERY" else rng.randint(150, 600) if top != "APPLIANCE" else rng.randint(10, 40)
        reorder *= 10
    else:
        roll = rng.random()
        if roll < 0.07:
            qty = 0
        elif roll < 0.17:
            qty = rng.randint(1, max(1, reorder - 1))
        else:
            qty = rng.randint(low, high)
        if store.flagship:
            qty = qty * 4 + rng.randint(5, 20) if qty else 0
            reorder *= 3
        if sku.code in SLOW_MOVERS and _digest(f"slow:{store.code}") % 2 == 0:
            qty = rng.randint(120, 220)
    batches: list[BatchPlan] = []
    if qty and product.shelf_life_days:
        batches = _batches(rng, store, sku, qty, product.shelf_life_days, today)
    elif qty:
        batches = [BatchPlan("", qty, None)]
    return StockPlan(store.code, sku.code, qty, max(0, reorder // 2), reorder, batches, sku.cost_price)


def _batches(
    rng: random.Random, store: StoreDef, sku: SkuDef, qty: int, life: int, today: date
) -> list[BatchPlan]:
    """One to three batches; about one pair in six has an old batch expiring within 1-3 days."""
    lot = f"{_digest(f'lot:{store.code}:{sku.code}') % 10**6:06d}"
    plans: list[BatchPlan] = []
    remaining = qty
    near = rng.random() < 0.18 and qty >= 2
    if near:
        n = max(1, remaining // rng.randint(3, 5))
        days_left = rng.randint(1, 3)
        plans.append(BatchPlan(f"L{lot}-A", n, today + timedelta(days=days_left)))
        remaining -= n
    if remaining > 4 and rng.random() < 0.5:
        n = remaining // 2
        age = rng.randint(0, max(0, life // 2))
        plans.append(BatchPlan(f"L{lot}-B", n, today + timedelta(days=max(life - age, 4))))
        remaining -= n
    if remaining:
        age = rng.randint(0, max(0, life // 4))
        plans.append(BatchPlan(f"L{lot}-C", remaining, today + timedelta(days=max(life - age, 4))))
    return plans


# ---------------------------------------------------------------------------------------------------
# Staff


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "子涵",
    "梓萱",
    "浩然",
    "雨桐",
    "一诺",
    "欣怡",
    "宇轩",
    "思远",
    "佳琪",
    "晨曦",
    "俊杰",
    "诗涵",
    "博文",
]


@dataclass(frozen=True)
class StaffDef:
    username: str
    name: str
    roles: list[str]
    stores: list[str]
    merchant: str | None = None
    phone: str | None = None


def _person_names() -> list[str]:
    """Distinct Chinese names for store staff, in a fixed order."""
    names: list[str] = []
    for i in range(len(SURNAMES) * 3):
        name = SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 5) % len(GIVEN)]
        if name not in names:
            names.append(name)
    return names


def build_staff() -> list[StaffDef]:
    staff = [
        StaffDef("hq.admin", "王敏", ["hq_admin"], []),
        StaffDef("hq.ops", "陈思远", ["hq_admin"], []),
        StaffDef("fr.hzxl", "周建国", ["franchisee_admin"], ["HZ002", "HZ003"], "M-HZXL"),
        StaffDef("fr.cdsh", "李娟", ["franchisee_admin"], ["CD002", "CD003"], "M-CDSH"),
        StaffDef("sh001.manager", "张伟", ["store_manager"], ["SH001"]),
        StaffDef("sh001.cashier", "刘芳", ["cashier"], ["SH001"]),
        StaffDef("sh001.cashier2", "杨洋", ["cashier"], ["SH001"]),
        StaffDef("sh001.picker", "赵磊", ["picker"], ["SH001"]),
        StaffDef("sh001.picker2", "孙丽", ["picker"], ["SH001"]),
        StaffDef("sh001.clerk", "吴强", ["clerk"], ["SH001"]),
        StaffDef("sh001.tech", "郑美玲", ["technician"], ["SH001"]),
        StaffDef("wh.clerk", "冯军", ["clerk", "picker"], [WAREHOUSE]),
        StaffDef("area.east", "何静", ["store_manager"], ["SH002", "SH003", "SH004", "HZ001"]),
    ]
    taken = {s.name for s in staff}
    names = iter(n for n in _person_names() if n not in taken)
    technicians = {"BJ001", "SZ001", "CD001", "HZ001"}
    pickers = {"BJ001", "SH002", "SZ002", "CD001"}
    for store in (s for s in STORES if s.kind == "store" and not s.flagship):
        key = store.code.lower()
        staff.append(StaffDef(f"{key}.manager", next(names), ["store_manager"], [store.code]))
        staff.append(StaffDef(f"{key}.cashier", next(names), ["cashier", "clerk"], [store.code]))
        if store.code in pickers:
            staff.append(StaffDef(f"{key}.picker", next(names), ["picker"], [store.code]))
        if store.code in technicians:
            staff.append(StaffDef(f"{key}.tech", next(names), ["technician"], [store.code]))
    return [
        StaffDef(
            s.username,
            s.name,
            s.roles,
            s.stores,
            s.merchant,
            f"137{_digest('staff:' + s.username) % 10**8:08d}",
        )
        for s in staff
    ]


STAFF = build_staff()

# ---------------------------------------------------------------------------------------------------
# Members


@dataclass(frozen=True)
class MemberDef:
    phone: str
    name: str
    birthday: date
    home_store: str
    marketing_consent: bool
    language: str


def build_members(today: date, count: int = 60) -> list[MemberDef]:
    """Members with 139 phones; the first ten have their birthday in the current month."""
    stores = [s.code for s in STORES if s.kind == "store"]
    members = []
    for i in range(count):
        rng = random.Random(_digest(f"member:{i}"))
        phone = f"139{(i * 7919 + 20260001) % 10**8:08d}"
        name = SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))]
        year = rng.randint(1965, 2004)
        month = today.month if i < 10 else rng.randint(1, 12)
        birthday = date(year, month, rng.randint(1, 28))
        home = FLAGSHIP if i % 4 == 0 else stores[rng.randrange(len(stores))]
        members.append(
            MemberDef(phone, name, birthday, home, rng.random() < 0.7, "en" if i % 15 == 7 else "zh-CN")
        )
    return members
