#!/usr/bin/env python3
"""Writes a synthetic LLaVA-665k-shaped JSON file for the dataset benchmarks.

The shape follows llava_v1_5_mix665k.json: 665,298 records from coco
(LLaVA-Instruct conversations, VQAv2, OK-VQA, A-OKVQA, RefCOCO), gqa, ocr_vqa,
textvqa and vg, plus ~6% text-only ShareGPT conversations; multi-turn records;
answer lengths per source chosen so the whole file is about 1 GB, like the
real one. A few ids repeat (exercising the "#n" unique_idx suffixes).
Deterministic for a given --seed. Write it outside the repository:

    python3 bench/gen_llava665k.py --out /tmp/llava665k.json
"""
import argparse
import json
import random

# (source, records, image folder, (min, max) question/answer pairs,
#  (min, max) answer words, (min, max) question words)
SOURCES = [
    ("coco_instruct", 157712, "coco/train2017", (1, 6), (20, 100), (6, 16)),
    ("coco_vqa", 206388, "coco/train2017", (2, 6), (1, 4), (5, 10)),
    ("gqa", 72140, "gqa/images", (2, 9), (1, 3), (5, 12)),
    ("ocr_vqa", 80000, "ocr_vqa/images", (2, 6), (1, 6), (4, 9)),
    ("textvqa", 21953, "textvqa/train_images", (1, 1), (1, 4), (5, 12)),
    ("vg", 86417, "vg/VG_100K", (2, 8), (4, 12), (8, 14)),
    ("text", 40688, None, (1, 5), (40, 260), (10, 80)),
]
WORDS = ("the a of and to in is on with for at by from image picture shows man woman "
         "people dog cat table street car bus building sky tree water red blue green white "
         "black large small two three left right near behind front top bottom wearing "
         "holding standing sitting looking area there are several some many color shirt "
         "sign text written book title author genre answer question describe detail "
         "region coordinates object scene background foreground likely because however "
         "which what where how why could would should might their this that these those").split()
PROMPTS = ["Answer the question using a single word or phrase.",
           "Provide a one-sentence caption for the provided image.",
           "Please provide a short description for this region: [0.12, 0.34, 0.56, 0.78]",
           "What is the title of this book?", "Is this a novel?", "Who wrote this book?"]


def sentence(rng, lo, hi):
    words = rng.choices(WORDS, k=rng.randint(lo, hi))
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", "?", ".", "!"])


def record(rng, index, spec):
    name, _, folder, pairs, answer, question = spec
    turns = []
    for k in range(rng.randint(*pairs)):
        q = sentence(rng, *question)
        if name in ("coco_vqa", "gqa", "textvqa") and rng.random() < 0.7:
            q += "\n" + PROMPTS[0]
        if folder is not None and k == 0:
            q = "<image>\n" + q if rng.random() < 0.8 else q + "\n<image>"
        turns.append({"from": "human", "value": q})
        turns.append({"from": "gpt", "value": sentence(rng, *answer)})
    if folder is None:
        return {"id": "".join(rng.choices("abcdefghijkLMNOPQRS0123456789", k=7)) + "_%d" % (index % 7),
                "model": "", "conversations": turns}
    image_id = rng.randint(1, 600000)
    if folder.startswith("coco"):
        rid, image = "%012d" % image_id, "%s/%012d.jpg" % (folder, image_id)
    elif folder.startswith("ocr"):
        rid = "%010d" % rng.randint(1, 2 ** 31)
        image = "%s/%s.jpg" % (folder, rid)
    else:
        rid, image = str(image_id), "%s/%d.jpg" % (folder, image_id)
    return {"id": rid, "image": image, "conversations": turns}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output file (put it under /tmp)")
    parser.add_argument("--seed", type=int, default=665)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 665k records")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    plan = []
    for spec in SOURCES:
        plan += [spec] * max(1, int(spec[1] * args.scale))
    rng.shuffle(plan)
    previous = []
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("[\n")
        for index, spec in enumerate(plan):
            if previous and rng.random() < 0.001:  # the real file repeats a few id/image pairs
                rec = dict(rng.choice(previous))
            else:
                rec = record(rng, index, spec)
            if len(previous) < 1000:
                previous.append(rec)
            text = json.dumps(rec, indent=4, ensure_ascii=False)
            out.write(("" if index == 0 else ",\n") + "    " + text.replace("\n", "\n    "))
        out.write("\n]\n")


if __name__ == "__main__":
    main()
