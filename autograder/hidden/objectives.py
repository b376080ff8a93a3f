"""Hidden tests of the objectives assignment: one check per graded cell of solutions/objectives/objectives.ipynb.

mlm_mask is random, so it is judged by its rules and its statistics on the data it returns: labels, untouched
positions and specials position by position; the selection rate and the 80/10/10 split within five binomial
standard deviations (Devlin et al., 2019); reproducibility with the generator it is given. clm_loss is judged
against torch's own F.cross_entropy on the shifted logits, its gradient included. The metrics are judged against
scikit-learn (accuracy_score, f1_score with zero_division=0), with a tolerance that accepts float32 arithmetic.
Every input is of a kind the notebook announces and its public tests try: ids of dtype torch.long of any shape,
specials as a tuple or a list (possibly empty), labels as Python lists or 1-d torch.long tensors.
"""
from __future__ import annotations

import math
import random
import warnings

import torch
import torch.nn.functional as F
from sklearn.metrics import accuracy_score, f1_score

from judge.checks import Student, check, close, describe, expect, randn, uses

IGNORE_INDEX = -100
SIGMAS = 5.0  # a correct answer fails one rate test with probability below 6e-7
METRIC_ATOL = 1e-5  # the metrics lie in [0, 1]; float32 arithmetic is off by about 1e-7


def long_randint(rng: random.Random, low: int, high: int, shape: tuple[int, ...]) -> torch.Tensor:
    """Integers in low .. high - 1 (torch.long) drawn from the check's secret stream."""
    return torch.randint(low, high, shape, generator=torch.Generator().manual_seed(rng.getrandbits(62)))


def uniform(rng: random.Random, shape: tuple[int, ...]) -> torch.Tensor:
    return torch.rand(shape, generator=torch.Generator().manual_seed(rng.getrandbits(62)))


def within_binomial(count: int, n: int, q: float) -> bool:
    """Whether `count` successes in `n` trials fit a success probability `q` (five standard deviations)."""
    return n > 0 and abs(count / n - q) <= SIGMAS * math.sqrt(q * (1 - q) / n) + 1e-12


# ------------------------------------------------------------------------------------------ probes
# They run in the student's kernel: call the student's code on the judge's inputs and return data.


def function(ns, name):
    """The student's function `name` from the notebook's namespace, or a NameError that says what to do."""
    if not callable(ns.get(name)):
        raise NameError(f"name '{name}' is not defined: run the cell that defines it")
    return ns[name]


@uses(function)
def call_mlm(ns, ids, mask_token_id, vocab_size, specials, as_tuple, p, seed):
    """mlm_mask on `ids` (specials as a tuple or a list; seed None means generator=None): what it returned."""
    import torch

    ids = ids.long()  # ids travel as int16 (fewer bytes); the student's function gets torch.long, as announced
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    specials = tuple(specials) if as_tuple else list(specials)
    out = function(ns, "mlm_mask")(ids, mask_token_id=mask_token_id, vocab_size=vocab_size, special_token_ids=specials,
                         mlm_probability=p, generator=generator)
    answer = {"type": type(out).__name__, "length": len(out) if isinstance(out, (tuple, list)) else None,
              "types": None, "inputs": None, "labels": None, "dtypes": None, "shares": None, "range": None}
    if isinstance(out, (tuple, list)) and len(out) == 2:
        answer["types"] = [type(t).__name__ for t in out]
        if all(isinstance(t, torch.Tensor) for t in out):
            answer["dtypes"] = [str(t.dtype) for t in out]
            values = [t.detach().long() for t in out]
            answer["range"] = [[int(v.min()), int(v.max())] if v.numel() else [0, 0] for v in values]
            small = all(-32768 <= low and high < 32768 for low, high in answer["range"])
            # back as int16 when every value fits (the judge checks the range it was told before it reads them)
            answer["inputs"], answer["labels"] = [v.to(torch.int16) if small else v for v in values]
            storage = ids.untyped_storage().data_ptr()
            answer["shares"] = [t.untyped_storage().data_ptr() == storage for t in out]
    return answer


@uses(function, call_mlm)
def probe_mlm_rules(ns, cases):
    answers = []
    for case in cases:
        ids = case["ids"].long()
        answer = call_mlm(ns, ids, case["mask_token_id"], case["vocab_size"], case["specials"], case["as_tuple"],
                          case["p"], case["seed"])
        answer["ids_after"] = ids
        answers.append(answer)
    return answers


@uses(function, call_mlm)
def probe_mlm_once(ns, ids, mask_token_id, vocab_size, specials, as_tuple, p, seed):
    return call_mlm(ns, ids, mask_token_id, vocab_size, specials, as_tuple, p, seed)


@uses(function, call_mlm)
def probe_mlm_generator(ns, ids, mask_token_id, vocab_size, specials, p, seed, other_seed, global_seeds):
    import torch

    state = torch.get_rng_state()  # the probe leaves the kernel's global random numbers as it found them
    try:
        args = (mask_token_id, vocab_size, specials, True, p)
        torch.manual_seed(global_seeds[0])
        first = call_mlm(ns, ids.clone(), *args, seed)
        torch.manual_seed(global_seeds[1])
        again = call_mlm(ns, ids.clone(), *args, seed)
        other = call_mlm(ns, ids.clone(), *args, other_seed)
        unseeded = call_mlm(ns, ids.clone(), *args, None)
    finally:
        torch.set_rng_state(state)
    return {"first": first, "again": again, "other": other, "unseeded": unseeded}


@uses(function)
def probe_clm(ns, logits, ids, ignore_index, backward):
    import torch

    logits = logits.clone().requires_grad_(True)
    f = function(ns, "clm_loss")
    loss = f(logits, ids) if ignore_index is None else f(logits, ids, ignore_index=ignore_index)
    answer = {"type": type(loss).__name__, "shape": None, "value": None, "requires_grad": None, "grad": None}
    if isinstance(loss, torch.Tensor):
        answer["shape"] = list(loss.shape)
        answer["requires_grad"] = bool(loss.requires_grad)
        if loss.numel() == 1:
            answer["value"] = float(loss.detach().double().reshape(()).item())
            if backward and loss.requires_grad:
                loss.reshape(()).backward()
                answer["grad"] = None if logits.grad is None else logits.grad.detach()
    elif isinstance(loss, (int, float)) and not isinstance(loss, bool):
        answer["value"] = float(loss)
    return answer


@uses(function)
def probe_metric(ns, name, cases):
    import torch

    answers = []
    for y_true, y_pred, as_tensor in cases:
        if as_tensor:
            y_true, y_pred = torch.tensor(y_true, dtype=torch.long), torch.tensor(y_pred, dtype=torch.long)
        value = function(ns, name)(y_true, y_pred)
        answers.append({"type": type(value).__name__, "value": value if type(value) is float else None})
    return answers


@uses(function)
def probe_lengths(ns, name, cases):
    import torch

    f, answers = function(ns, name), []
    for y_true, y_pred, as_tensor in cases:
        if as_tensor:
            y_true, y_pred = torch.tensor(y_true, dtype=torch.long), torch.tensor(y_pred, dtype=torch.long)
        try:
            f(y_true, y_pred)
            answers.append(None)
        except ValueError:
            answers.append("ValueError")
        except Exception as error:
            answers.append(type(error).__name__)
    return answers


# ------------------------------------------------------------------------------------------ mlm_mask


def mlm_case(rng: random.Random, shape: tuple[int, ...], vocab_size: int, n_specials: int, p: float,
             special_share: float = 0.1) -> dict:
    """Token ids of `shape` over a vocabulary, a mask id, special ids (a share of the positions), p and a seed."""
    chosen = rng.sample(range(vocab_size), n_specials + 1)
    mask_token_id, specials = chosen[0], chosen[1:]
    ordinary = torch.tensor([i for i in range(vocab_size) if i not in chosen])
    ids = ordinary[long_randint(rng, 0, len(ordinary), shape)]  # the mask id never occurs in the input
    if specials:
        where = uniform(rng, shape) < special_share
        ids[where] = torch.tensor(specials)[long_randint(rng, 0, len(specials), shape)][where]
    return {"ids": ids, "mask_token_id": mask_token_id, "vocab_size": vocab_size, "specials": specials,
            "as_tuple": rng.random() < 0.5, "p": p, "seed": rng.getrandbits(31)}


def sent(case: dict) -> dict:
    """The case as it travels to the kernel: ids as int16 (every vocabulary here is smaller than 32,768)."""
    assert case["vocab_size"] < 2 ** 15
    return case | {"ids": case["ids"].to(torch.int16)}


def judge_mlm_rules(answer, case: dict, what: str) -> torch.Tensor:
    """The rules every result of mlm_mask obeys, position by position; returns the selected positions."""
    ids, V = case["ids"], case["vocab_size"]
    expect(isinstance(answer, dict), f"{what}: the grader could not read the answer")
    expect(answer.get("type") == "tuple" and answer.get("length") == 2,
           f"{what}: mlm_mask returned a {answer.get('type')}; return a tuple (inputs, labels)")
    expect(answer["types"] == ["Tensor", "Tensor"], f"{what}: inputs and labels must be torch tensors, "
                                                    f"found {answer['types']}")
    inputs, labels = answer["inputs"], answer["labels"]
    expect(isinstance(inputs, torch.Tensor) and isinstance(labels, torch.Tensor), f"{what}: no tensors came back")
    (in_low, in_high), (label_low, label_high) = answer["range"]
    expect(0 <= in_low and in_high < V, f"{what}: inputs holds ids from {in_low} to {in_high}; every id must be in "
                                        f"0 .. vocab_size - 1 (vocab_size = {V})")
    expect(-100 <= label_low and label_high < V, f"{what}: labels holds values from {label_low} to {label_high}; a "
                                                 "label is -100 or an original id")
    inputs, labels = inputs.long(), labels.long()
    shape = tuple(ids.shape)
    expect(tuple(inputs.shape) == shape and tuple(labels.shape) == shape,
           f"{what}: inputs has shape {tuple(inputs.shape)} and labels {tuple(labels.shape)}; both must have the "
           f"shape of input_ids, {shape}")
    expect(answer["dtypes"] == ["torch.int64", "torch.int64"],
           f"{what}: inputs and labels have dtypes {answer['dtypes']}; both must have the dtype of input_ids "
           "(torch.int64)")
    expect(answer["shares"] == [False, False], f"{what}: return new tensors (work on a clone of input_ids)")
    if "ids_after" in answer:
        after = answer["ids_after"]
        expect(isinstance(after, torch.Tensor) and tuple(after.shape) == shape
               and bool(torch.equal(after.long(), ids)),
               f"{what}: mlm_mask modified input_ids; work on a clone")
    selected = labels != IGNORE_INDEX
    expect(bool(torch.equal(labels[selected], ids[selected])),
           f"{what}: a label is neither -100 nor the original id of its position; labels hold the ORIGINAL id "
           "at the selected positions and -100 everywhere else")
    special = torch.isin(ids, torch.tensor(case["specials"], dtype=torch.long))
    expect(not bool((selected & special).any()),
           f"{what}: a special token (ids {case['specials']}) was selected; they never are")
    expect(bool(torch.equal(inputs[~selected], ids[~selected])),
           f"{what}: a position that is not selected (label -100) was changed in inputs; it keeps its token")
    expect(bool(((inputs >= 0) & (inputs < V)).all()), f"{what}: inputs holds an id outside 0 .. vocab_size - 1 "
                                                       f"(vocab_size = {V})")
    return selected


@check("mlm_mask_rules")
def mlm_mask_rules(student: Student, rng: random.Random) -> None:
    """mlm_mask: new tensors of the input's shape and dtype, labels -100 except at selected positions (never
    a special token), the rest of the input untouched, input_ids unchanged; p = 1 selects every ordinary token."""
    b, length = rng.sample(range(3, 12), 2)
    cases = [mlm_case(rng, (b, length * 5), rng.randint(30, 200), rng.randint(1, 3), rng.choice([0.15, 0.3, 0.5])),
             mlm_case(rng, (rng.randint(60, 120),), rng.randint(30, 200), rng.randint(1, 3), 0.4),
             mlm_case(rng, (2, 3, rng.randint(8, 20)), rng.randint(30, 200), 0, 0.3),
             mlm_case(rng, (b + 1, length * 3), rng.randint(30, 200), 2, 1.0)]
    cases[0]["ids"][:, 0], cases[0]["ids"][:, -1] = cases[0]["specials"][0], cases[0]["specials"][-1]  # [CLS] [SEP]
    cases[1]["as_tuple"], cases[2]["as_tuple"] = False, True  # a list and a tuple, at least once each
    answers = student.run(probe_mlm_rules, cases=[sent(case) for case in cases])
    expect(isinstance(answers, list) and len(answers) == len(cases), "the grader could not read the answers")
    for case, answer in zip(cases, answers):
        kind = "a tuple" if case["as_tuple"] else "a list"
        what = (f"mlm_mask on ids of shape {tuple(case['ids'].shape)}, special_token_ids {kind} "
                f"{case['specials']}, mlm_probability={case['p']}")
        selected = judge_mlm_rules(answer, case, what)
        if case["p"] == 1.0:
            ordinary = ~torch.isin(case["ids"], torch.tensor(case["specials"], dtype=torch.long))
            expect(bool(torch.equal(selected, ordinary)),
                   f"{what}: with mlm_probability=1.0 every ordinary (non-special) token is selected")
        else:
            expect(bool(selected.any()), f"{what}: no position was selected (all labels are -100)")


@check("mlm_mask_rates")
def mlm_mask_rates(student: Student, rng: random.Random) -> None:
    """mlm_mask: on about 40,000 tokens, the selection rate is mlm_probability in every part of the input,
    the selected tokens split 80/10/10, and random ids cover the whole vocabulary and nothing else."""
    # at least 850 random draws over at most 40 ids: an id is missed with probability below 1e-7
    cases = [(mlm_case(rng, (rng.randint(38, 44), 800), rng.randint(30, 40), 3, rng.choice([0.3, 0.4, 0.5]), 0.05),
              True),
             (mlm_case(rng, (rng.randint(10, 14), 800), rng.randint(500, 3000), 2, rng.choice([0.2, 0.25]), 0.05),
              False)]
    for case, coverage in cases:
        answer = student.run(probe_mlm_once, **sent(case))
        V, p, ids, mask_id = case["vocab_size"], case["p"], case["ids"], case["mask_token_id"]
        what = f"mlm_mask on {ids.numel():,} tokens, vocab_size={V}, mlm_probability={p}"
        selected = judge_mlm_rules(answer, case, what)
        ordinary = ~torch.isin(ids, torch.tensor(case["specials"], dtype=torch.long))
        n_ordinary, n = int(ordinary.sum()), int(selected.sum())
        expect(within_binomial(n, n_ordinary, p), f"{what}: {n / n_ordinary:.4f} of the ordinary tokens were "
                                                  f"selected; each is selected with probability {p}")
        for part, columns in enumerate(torch.arange(ids.shape[1]).chunk(4)):
            count, trials = int(selected[:, columns].sum()), int(ordinary[:, columns].sum())
            expect(within_binomial(count, trials, p),
                   f"{what}: in part {part + 1} of 4 of each row, {count / trials:.4f} of the ordinary tokens were "
                   "selected; every position is selected independently with the same probability")
        inputs = answer["inputs"]
        masked = int((selected & (inputs == mask_id)).sum())
        kept = int((selected & (inputs == ids)).sum())
        # a random id can be the mask id (counted as masked) or the original id (counted as kept)
        for count, q, outcome in [(masked, 0.8 + 0.1 / V, "became the mask token"),
                                  (kept, 0.1 + 0.1 / V, "kept their token"),
                                  (n - masked - kept, 0.1 - 0.2 / V, "got another, random token")]:
            expect(within_binomial(count, n, q), f"{what}: {count / n:.4f} of the selected positions {outcome}; "
                                                 "read the 80/10/10 rule again")
        drawn = inputs[selected & (inputs != mask_id) & (inputs != ids)]
        expect(bool(((drawn >= 0) & (drawn < V)).all()), f"{what}: a random id fell outside 0 .. vocab_size - 1")
        if coverage:
            missing = sorted(set(range(V)) - {mask_id} - set(drawn.tolist()))
            expect(not missing, f"{what}: random ids are drawn from the whole vocabulary 0 .. vocab_size - 1, "
                                f"special ids included; ids {missing[:5]} never appeared among about "
                                f"{drawn.numel():,} random draws")


@check("mlm_mask_generator")
def mlm_mask_generator(student: Student, rng: random.Random) -> None:
    """mlm_mask: a seeded generator gives the same result whatever the global seed, another seed another
    selection; generator=None works."""
    case = mlm_case(rng, (rng.randint(20, 40), rng.randint(150, 300)), rng.randint(50, 300), 2, 0.3)
    seed, other = rng.sample(range(1, 2 ** 31), 2)
    got = student.run(probe_mlm_generator, ids=sent(case)["ids"], mask_token_id=case["mask_token_id"],
                      vocab_size=case["vocab_size"], specials=case["specials"], p=case["p"], seed=seed,
                      other_seed=other, global_seeds=rng.sample(range(1, 2 ** 31), 2))
    expect(isinstance(got, dict) and set(got) == {"first", "again", "other", "unseeded"},
           "the grader could not read the answers")
    what = f"mlm_mask on ids of shape {tuple(case['ids'].shape)}"
    first = judge_mlm_rules(got["first"], case, what + " with a seeded generator")
    judge_mlm_rules(got["again"], case, what + " with the same seeded generator")
    judge_mlm_rules(got["other"], case, what + " with another seeded generator")
    judge_mlm_rules(got["unseeded"], case, what + " with generator=None")
    same = all(bool(torch.equal(got["first"][k], got["again"][k])) for k in ("inputs", "labels"))
    expect(same, f"{what}: two calls with generators seeded alike (and different global seeds) gave different "
                 "results; draw every random number from `generator` (torch.rand(..., generator=generator), "
                 "torch.randint(..., generator=generator))")
    expect(not bool(torch.equal(got["other"]["labels"], got["first"]["labels"])) and bool(first.any()),
           f"{what}: generators seeded differently gave the same selection; the selection must be random")


# ------------------------------------------------------------------------------------------ clm_loss


def clm_case(rng: random.Random, pad=None, share: float = 0.0) -> dict:
    """Logits (batch, length, vocab), never a square pair, and ids; a share of the targets set to `pad`."""
    b, t, v = rng.randint(2, 8), rng.randint(9, 25), rng.randint(26, 150)  # never two equal sizes
    logits = 3 * randn(rng, b, t, v)
    ids = long_randint(rng, 0, v, (b, t))
    if pad is not None:
        if pad >= 0:
            ids[ids == pad] = (pad + 1) % v  # the padding id marks padding only
        ids[uniform(rng, (b, t)) < share] = pad
        ids[0, -rng.randint(1, 3):] = pad  # right padding, as a batch of unequal sequences has
        ids[0, 1] = (pad + 2) % v if pad >= 0 else 0  # at least one target counts
    return {"logits": logits, "ids": ids, "ignore_index": pad}


def expected_clm(case: dict, grad: bool = False):
    """torch's F.cross_entropy on the shifted logits (float64): the loss, and its gradient if asked."""
    logits = case["logits"].double().requires_grad_(grad)
    v = logits.shape[-1]
    ignore = IGNORE_INDEX if case["ignore_index"] is None else case["ignore_index"]
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, v), case["ids"][:, 1:].reshape(-1), ignore_index=ignore)
    if grad:
        loss.backward()
        return loss.item(), logits.grad.float()
    return loss.item()


def judge_clm_value(got, case: dict, what: str) -> None:
    expect(isinstance(got, dict), f"{what}: the grader could not read the answer")
    expect(got["value"] is not None, f"{what}: clm_loss returned {got['type']} of shape {got['shape']}; return "
                                     "the mean loss as a scalar tensor")
    close(got["value"], expected_clm(case), what)


def clm_what(case: dict, passed: bool) -> str:
    shape = tuple(case["logits"].shape)
    how = "the default ignore_index" if not passed else f"ignore_index={case['ignore_index']}"
    return f"clm_loss on logits of shape {shape} with {how}"


@check("clm_loss_shift")
def clm_loss_shift(student: Student, rng: random.Random) -> None:
    """clm_loss: the mean cross-entropy of the logits at t against the token at t + 1, on random shapes."""
    for _ in range(3):
        case = clm_case(rng)
        got = student.run(probe_clm, logits=case["logits"], ids=case["ids"], ignore_index=None, backward=False)
        judge_clm_value(got, case, clm_what(case, False))


@check("clm_loss_ignore_index")
def clm_loss_ignore_index(student: Student, rng: random.Random) -> None:
    """clm_loss: targets equal to ignore_index (-100 by default, or a padding id) count neither in the sum nor
    in the number of terms."""
    cases = [(clm_case(rng, IGNORE_INDEX, 0.3), False), (clm_case(rng, IGNORE_INDEX, 0.3), True),
             (clm_case(rng, 0, 0.3), True), (clm_case(rng, rng.randint(1, 10), 0.4), True)]
    for case, passed in cases:
        got = student.run(probe_clm, logits=case["logits"], ids=case["ids"],
                          ignore_index=case["ignore_index"] if passed else None, backward=False)
        judge_clm_value(got, case, clm_what(case, passed))


@check("clm_loss_gradient")
def clm_loss_gradient(student: Student, rng: random.Random) -> None:
    """clm_loss: a scalar tensor whose gradient with respect to the logits is the cross-entropy's."""
    for passed in (False, True):
        case = clm_case(rng, IGNORE_INDEX if not passed else rng.randint(0, 10), 0.25)
        got = student.run(probe_clm, logits=case["logits"], ids=case["ids"],
                          ignore_index=case["ignore_index"] if passed else None, backward=True)
        what = clm_what(case, passed)
        expect(isinstance(got, dict) and got["type"] == "Tensor" and got["shape"] == [],
               f"{what}: clm_loss returned {got['type']} of shape {got['shape']}; return a scalar tensor (a "
               "0-d tensor: do not call .item(), and reduce with a mean)")
        expect(got["requires_grad"] is True and got["grad"] is not None,
               f"{what}: the loss is not differentiable with respect to the logits; compute it with torch "
               "operations on the logits (no .item(), .detach() or .numpy() on the way)")
        _, want = expected_clm(case, grad=True)
        close(got["grad"], want, f"{what}: the gradient of the loss with respect to the logits", atol=1e-6)


# ------------------------------------------------------------------------------------------ metrics


def label_cases(rng: random.Random, count: int) -> list[tuple[list[int], list[int], bool]]:
    """Random labels as the notebook announces them: non-consecutive ids, some rare classes, some classes never
    predicted and some only predicted, lists and tensors alternately; and a few edge cases."""
    cases = []
    for i in range(count):
        n = rng.randint(1, 300)
        classes = sorted(rng.sample(range(25), rng.randint(2, 7)))
        weights = [rng.random() ** 3 + 0.01 for _ in classes]
        y_true = rng.choices(classes, weights, k=n)
        predicted = classes + [rng.randint(25, 40)] if i % 3 == 0 else classes[:-1]
        y_pred = [rng.choice(predicted) if rng.random() < 0.5 else t for t in y_true]
        cases.append((y_true, y_pred, i % 2 == 1))
    c = rng.randint(0, 9)
    cases += [([c], [c], False), ([c], [c + 3], True), ([c] * 7, [c] * 7, True),
              ([c, c + 2, c + 2, c + 5], [c + 5, c + 2, c + 9, c + 5], False)]
    return cases


def expected_metric(name: str, y_true: list[int], y_pred: list[int]) -> float:
    """scikit-learn's value: accuracy_score, or f1_score over the classes that occur, zero_division=0."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name == "accuracy":
            return float(accuracy_score(y_true, y_pred))
        return float(f1_score(y_true, y_pred, average=name.split("_")[0], zero_division=0))


def judge_metric(student: Student, rng: random.Random, name: str) -> None:
    cases = label_cases(rng, 24)
    answers = student.run(probe_metric, name=name, cases=[list(c) for c in cases])
    expect(isinstance(answers, list) and len(answers) == len(cases), "the grader could not read the answers")
    for (y_true, y_pred, as_tensor), got in zip(cases, answers):
        kind = "1-d tensors" if as_tensor else "lists"
        what = f"{name}(y_true, y_pred) for {len(y_true)} labels of classes {sorted(set(y_true) | set(y_pred))} " \
               f"given as {kind}"
        expect(isinstance(got, dict) and got.get("type") == "float",
               f"{what} returned a {got.get('type') if isinstance(got, dict) else describe(got)}: return a "
               "Python float (float(...) or .item())")
        close(got["value"], expected_metric(name, y_true, y_pred), what, atol=METRIC_ATOL, rtol=0.0)


def judge_lengths(student: Student, rng: random.Random, name: str) -> None:
    cases = []
    for as_tensor in (False, True, False, True):
        n, m = rng.sample(range(1, 40), 2)
        cases.append(([rng.randint(0, 5) for _ in range(n)], [rng.randint(0, 5) for _ in range(m)], as_tensor))
    answers = student.run(probe_lengths, name=name, cases=[list(c) for c in cases])
    expect(isinstance(answers, list) and len(answers) == len(cases), "the grader could not read the answers")
    for (y_true, y_pred, as_tensor), got in zip(cases, answers):
        kind = "1-d tensors" if as_tensor else "lists"
        what = f"{name} on {len(y_true)} true and {len(y_pred)} predicted labels given as {kind}"
        expect(got is not None, f"{what} returned a value; labels of different lengths must raise ValueError")
        expect(got == "ValueError", f"{what} raised {got}; raise ValueError (with a message saying the lengths "
                                    "differ)")


@check("accuracy_value")
def accuracy_value(student: Student, rng: random.Random) -> None:
    """accuracy equals scikit-learn's accuracy_score, as a Python float, on lists and on 1-d tensors."""
    judge_metric(student, rng, "accuracy")


@check("accuracy_lengths")
def accuracy_lengths(student: Student, rng: random.Random) -> None:
    """accuracy raises ValueError when the lengths differ (lists and tensors)."""
    judge_lengths(student, rng, "accuracy")


@check("macro_f1_value")
def macro_f1_value(student: Student, rng: random.Random) -> None:
    """macro_f1 equals scikit-learn's f1_score(average="macro", zero_division=0), as a Python float."""
    judge_metric(student, rng, "macro_f1")


@check("macro_f1_lengths")
def macro_f1_lengths(student: Student, rng: random.Random) -> None:
    """macro_f1 raises ValueError when the lengths differ (lists and tensors)."""
    judge_lengths(student, rng, "macro_f1")


@check("micro_f1_value")
def micro_f1_value(student: Student, rng: random.Random) -> None:
    """micro_f1 equals scikit-learn's f1_score(average="micro", zero_division=0), as a Python float."""
    judge_metric(student, rng, "micro_f1")


@check("micro_f1_lengths")
def micro_f1_lengths(student: Student, rng: random.Random) -> None:
    """micro_f1 raises ValueError when the lengths differ (lists and tensors)."""
    judge_lengths(student, rng, "micro_f1")
