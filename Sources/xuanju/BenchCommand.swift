import Foundation
import ArgumentParser
import ElectionRules
import NameOrder

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "性能测量（与同一进程中的对照一起打印）", subcommands: [CountBench.self, NamesBench.self, DocumentBench.self])
}

/// Counting throughput next to a plain read of the same bytes, measured in the same run.
struct CountBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "count", abstract: "计票速度：位平面计数 vs. 同样字节的纯内存读取")

    @Option var ballots = 10_000_000
    @Option var candidates = 68
    @Option var seats = 56
    @Option(help: "重复次数，取最快一次") var repeats = 5
    @Option(help: "线程数") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "另起一行以 JSON 打印每名候选人的赞成票（供 bench/ 对照核对）") var tally = false
    @Option(help: "端到端：写出一个 JSON 选票文件（或读这个文件），计时「读入、检查、计票」，并与 Python json.load + Counter 对照")
    var endToEnd: String?

    func run() throws {
        guard ballots > 0, candidates > 0, seats > 0, repeats > 0 else { throw ValidationError("参数须为正整数") }
        if let endToEnd { return try runEndToEnd(file: endToEnd) }
        // The marks are the input; the timed count is what a round's count does with them: each
        // ballot's validity, the tally, and who is elected (parse too with --end-to-end).
        let planes = Self.randomPlanes(ballots: ballots, candidates: candidates)
        var box = Self.box(planes, ballots: ballots, seats: seats)
        let bytes = Double(box.planeBytes)
        var countBest = Double.infinity, readBest = Double.infinity
        var checksum: UInt64 = 0
        var counts = box.tally(threads: threads)
        var elected = 0
        let names = (1...candidates).map { "候选人\($0)" }
        for _ in 0..<repeats {
            var t = DispatchTime.now().uptimeNanoseconds
            checksum &+= box.readBaseline(threads: threads)
            readBest = min(readBest, Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
            t = DispatchTime.now().uptimeNanoseconds
            box = Self.box(planes, ballots: ballots, seats: seats)
            counts = box.tally(threads: threads)
            let contenders = names.indices.map { j in
                ContenderResult(name: names[j], forVotes: counts.forVotes[j], againstVotes: counts.againstVotes[j], abstain: counts.abstentions(j),
                                writeIn: false, status: .belowThreshold)
            }
            elected = OutcomeRules.decide(contenders: contenders, seats: seats, threshold: Threshold.smallestWinning(base: ballots),
                                          margin: .ratio(Ratio(0, 1)), order: .strokes).elected.count
            countBest = min(countBest, Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
        }
        print("选票 \(ballots) 张，候选人 \(candidates) 名，应选 \(seats) 名，线程 \(threads)，位平面 \(String(format: "%.1f", bytes / 1e6)) MB")
        print(String(format: "计票（判定有效 + 统计 + 当选）：%.4f 秒，%.0f 张/秒，%.2f GB/秒", countBest, Double(ballots) / countBest, bytes / countBest / 1e9))
        print(String(format: "纯内存读取基线：%.4f 秒，%.2f GB/秒", readBest, bytes / readBest / 1e9))
        print(String(format: "计票速度为基线的 %.0f%%", readBest / countBest * 100))
        print("有效票 \(counts.valid)，第一名候选人赞成 \(counts.forVotes[0])，当选 \(elected) 名（校验和 \(checksum % 1000)）")
        if tally { print("TALLY " + counts.forVotes.map(String.init).joined(separator: ",")) }
    }

    /// The whole `xuanju count` path on one file — parse the JSON, check it, evaluate every ballot,
    /// tally, decide — beside Python reading the same file with `json.load` and tallying the
    /// for-marks with a Counter (the peer the issue names), both timed here.
    func runEndToEnd(file: String) throws {
        if !FileManager.default.fileExists(atPath: file) {
            try Self.writeRound(to: file, ballots: ballots, candidates: candidates, seats: seats)
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        var best = Double.infinity
        var report: RoundReport?
        for _ in 0..<repeats {
            let t = DispatchTime.now().uptimeNanoseconds
            report = try RoundCounter.count(try RoundInputParser.parse(data), order: .strokes)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
        }
        let python = """
        import json, sys, time, collections
        t = time.perf_counter(); r = json.load(open(sys.argv[1], encoding="utf-8")); parsed = time.perf_counter() - t
        c = collections.Counter(n for b in r["ballots"] for n in b.get("for", []))
        print("%.4f %.4f %d" % (parsed, time.perf_counter() - t, c[r["candidates"][0]]))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", python, file]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let peer = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ")
        print("文件 \(file)：\(String(format: "%.1f", Double(data.count) / 1e6)) MB，选票 \(report?.returned ?? 0) 张，候选人 \(candidates) 名")
        print(String(format: "xuanju 读入 + 检查 + 计票 + 当选：%.3f 秒（%d 次中最快）", best, repeats))
        if peer.count == 3, let parse = Double(peer[0]), let total = Double(peer[1]) {
            print(String(format: "Python json.load：%.3f 秒；json.load + Counter 计赞成票：%.3f 秒", parse, total))
            let first = report?.results.first { $0.name == "候选人1" }?.forVotes ?? -1
            print("核对：第一名候选人的赞成票 xuanju \(first)，Python \(peer[2].trimmingCharacters(in: .whitespacesAndNewlines))")
        } else {
            print("（没有 python3，不能对照）")
        }
    }

    /// A formal round of random ballots as `xuanju count` reads it.
    static func writeRound(to file: String, ballots: Int, candidates: Int, seats: Int) throws {
        var rng = SplitMix64(seed: 2026)
        let names = (1...candidates).map { "候选人\($0)" }
        var out = "{\"profile\":\"local-congress\",\"seats\":\(seats),\"margin\":{\"ratio\":\"0\"},\"expected\":\(ballots),\"present\":\(ballots),"
        out += "\"candidates\":[" + names.map { "\"\($0)\"" }.joined(separator: ",") + "],\"ballots\":[\n"
        for b in 0..<ballots {
            var f: [String] = [], a: [String] = []
            for name in names {
                switch rng.next() % 4 { case 0, 1: f.append(name); case 2: a.append(name); default: break }
            }
            if f.count > seats { f.removeLast(f.count - seats) }
            out += "{\"for\":[" + f.map { "\"\($0)\"" }.joined(separator: ",") + "],\"against\":[" + a.map { "\"\($0)\"" }.joined(separator: ",") + "]}"
            out += b + 1 < ballots ? ",\n" : "\n"
        }
        out += "]}\n"
        try Data(out.utf8).write(to: URL(fileURLWithPath: file))
    }

    /// Random marks (for and against each about a quarter), as bit planes per candidate.
    static func randomPlanes(ballots: Int, candidates: Int) -> (for: [[UInt64]], against: [[UInt64]]) {
        let words = (ballots + 63) / 64
        var rng = SplitMix64(seed: 42)
        var forPlanes = [[UInt64]](), againstPlanes = [[UInt64]]()
        for _ in 0..<candidates {
            var f = [UInt64](repeating: 0, count: words), a = f
            for w in 0..<words {
                let x = rng.next(), y = rng.next()
                f[w] = x & y          // ~1/4 for
                a[w] = ~x & y & rng.next() | (~x & ~y & rng.next())   // ~1/4 against, disjoint from for
            }
            if ballots % 64 != 0 { f[words - 1] &= (1 << UInt64(ballots % 64)) - 1; a[words - 1] &= (1 << UInt64(ballots % 64)) - 1 }
            forPlanes.append(f); againstPlanes.append(a)
        }
        return (forPlanes, againstPlanes)
    }

    /// The box of these marks with each ballot's validity decided (RULES §4: more for-marks than
    /// seats is invalid), per ballot once.
    static func box(_ planes: (for: [[UInt64]], against: [[UInt64]]), ballots: Int, seats: Int) -> BallotBox {
        let (forPlanes, againstPlanes) = planes
        let candidates = forPlanes.count, words = (ballots + 63) / 64
        // A ballot is invalid when its for-marks exceed the seats: count per ballot once.
        var valid = [UInt64](repeating: 0, count: words)
        var perBallot = [UInt8](repeating: 0, count: 64)
        for w in 0..<words {
            for k in 0..<64 { perBallot[k] = 0 }
            for j in 0..<candidates {
                var bits = forPlanes[j][w]
                while bits != 0 { perBallot[bits.trailingZeroBitCount] &+= 1; bits &= bits - 1 }
            }
            var mask: UInt64 = 0
            let limit = min(64, ballots - w * 64)
            for k in 0..<limit where Int(perBallot[k]) <= seats { mask |= 1 << UInt64(k) }
            valid[w] = mask
        }
        return BallotBox(ballotCount: ballots, forPlanes: forPlanes, againstPlanes: againstPlanes, validPlane: valid)
    }
}

struct NamesBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "names", abstract: "姓氏笔画排序速度 vs. 同样姓名的码位排序")
    @Option var count = 300_000

    func run() throws {
        var rng = SplitMix64(seed: 7)
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万覃向")
        let given = Array("伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月")
        let names = (0..<count).map { _ in
            String(surnames[Int(rng.next() % UInt64(surnames.count))]) + String((0..<(rng.next() % 3 == 0 ? 1 : 2)).map { _ in given[Int(rng.next() % UInt64(given.count))] })
        }
        let order = NameOrder()
        _ = order.key("王")   // load the stroke table outside the timing
        var t = DispatchTime.now().uptimeNanoseconds
        let sorted = order.sorted(names)
        let strokeTime = Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
        t = DispatchTime.now().uptimeNanoseconds
        let plain = names.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        let plainTime = Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
        print(String(format: "姓氏笔画排序 %d 个姓名：%.3f 秒", count, strokeTime))
        print(String(format: "同样姓名按码位排序（对照）：%.3f 秒", plainTime))
        print("首尾：\(sorted.first ?? "") … \(sorted.last ?? "")（对照首个 \(plain.first ?? "")）")
    }
}
