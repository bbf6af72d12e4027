// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title PriceFeed: a Chainlink AggregatorV3Interface-compatible feed for the chainprobe devnet.
/// @notice One transmitter pushes answers; each push opens and answers a new round.
contract PriceFeed {
    struct Round {
        int256 answer;
        uint256 startedAt;
        uint256 updatedAt;
        uint80 answeredInRound;
    }

    uint8 public immutable decimals;
    string public description;
    uint256 public constant version = 4;
    address public immutable transmitter;
    uint80 public latestRound;

    mapping(uint80 => Round) private rounds;

    /// @notice Who may hand the feed over: the deployer. Declared after `rounds` so the earlier
    /// slots keep their layout; the security probe watches it (fault feed-owner-change).
    address public owner;

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    constructor(uint8 decimals_, string memory description_, address transmitter_) {
        decimals = decimals_;
        description = description_;
        transmitter = transmitter_;
        owner = msg.sender;
    }

    /// @notice Hands the feed to `newOwner`; only the current owner may.
    function transferOwnership(address newOwner) external {
        require(msg.sender == owner, "Only owner");
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    /// @notice Pushes a new answer (any int256, zero and negative included) as a new round.
    function updateAnswer(int256 answer) external {
        require(msg.sender == transmitter, "Only transmitter");
        uint80 roundId = latestRound + 1;
        latestRound = roundId;
        rounds[roundId] = Round(answer, block.timestamp, block.timestamp, roundId);
        emit NewRound(roundId, msg.sender, block.timestamp);
        emit AnswerUpdated(answer, roundId, block.timestamp);
    }

    /// @notice Round data of `roundId`; reverts "No data present" for a round never answered.
    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80, int256, uint256, uint256, uint80)
    {
        Round memory r = rounds[roundId];
        require(r.updatedAt > 0, "No data present");
        return (roundId, r.answer, r.startedAt, r.updatedAt, r.answeredInRound);
    }

    /// @notice The latest round; all zeros (updatedAt 0) before the first update.
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory r = rounds[latestRound];
        return (latestRound, r.answer, r.startedAt, r.updatedAt, r.answeredInRound);
    }

    /// @notice Legacy AggregatorInterface: the latest answer.
    function latestAnswer() external view returns (int256) {
        return rounds[latestRound].answer;
    }

    /// @notice Legacy AggregatorInterface: the latest update time.
    function latestTimestamp() external view returns (uint256) {
        return rounds[latestRound].updatedAt;
    }
}
