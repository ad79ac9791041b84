#!/usr/bin/env python3
"""Synthetic residents for bench/import.sh: N rows of valid residents (ID
numbers with correct check characters, mainland mobile numbers) living in
the compound laid out by the script: BUILDINGS buildings named "N号楼", each
UNITS units x FLOORS floors x ROOMS rooms per floor.

usage: import_gen.py N OUT.csv [--gb18030] [--buildings 20 --units 4 --floors 30 --rooms 4]
Deterministic: the same arguments give the same file.
"""
import argparse
import datetime

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰华红玉梅建国志文"
RELATIONS = ["户主", "配偶", "子女", "父母", "其他"]
RESIDENCY = ["户籍", "常住", "流动", "租户", "人户分离"]


def id_number(region, birth, seq):
    d17 = f"{region}{birth}{seq:03d}"
    return d17 + "10X98765432"[sum(int(a) * b for a, b in zip(d17, W)) % 11]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("n", type=int)
    p.add_argument("out")
    p.add_argument("--gb18030", action="store_true")
    p.add_argument("--compound", default="基准小区")
    p.add_argument("--buildings", type=int, default=20)
    p.add_argument("--units", type=int, default=4)
    p.add_argument("--floors", type=int, default=30)
    p.add_argument("--rooms", type=int, default=4)
    a = p.parse_args()
    doors = [(b, u, f"{f}{r:02d}") for b in range(1, a.buildings + 1)
             for u in range(1, a.units + 1) for f in range(1, a.floors + 1)
             for r in range(1, a.rooms + 1)]
    start = datetime.date(1940, 1, 1)
    days = 25000  # up to 2008
    lines = ["姓名,性别,出生日期,身份证号,手机,小区,楼栋,单元,房号,与户主关系,户籍类型,技能,志愿者"]
    for i in range(a.n):
        door = doors[i % len(doors)]
        k = i // len(doors)  # the k-th person of this door: distinct names
        name = SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[k % len(GIVEN)] + GIVEN[(k // len(GIVEN) + i) % len(GIVEN)]
        birth = start + datetime.timedelta(days=i % days)
        seq = i // days + 1 + 100 * (i % 3)
        idn = id_number("110105", birth.strftime("%Y%m%d"), seq)
        gender = "男" if seq % 2 else "女"
        phone = f"13{8 + i % 2}{i:08d}"
        lines.append(",".join([
            name, gender, birth.isoformat(), idn, phone, a.compound, f"{door[0]}号楼",
            f"{door[1]}单元", door[2], RELATIONS[k % 5], RESIDENCY[i % 5],
            "电工" if i % 13 == 0 else "", "是" if i % 4 == 0 else "否"]))
    data = "\r\n".join(lines) + "\r\n"
    with open(a.out, "wb") as f:
        f.write(data.encode("gb18030") if a.gb18030 else data.encode("utf-8"))


if __name__ == "__main__":
    main()
