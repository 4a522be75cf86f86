#!/usr/bin/env bats

# Load the test helper
load test_helper

setup() {
    # Clean any leftover containers from previous test runs
    cleanup_containers "multi_test"
    cleanup_containers "multi_test_other"
    cleanup_containers "multi_test_random"
    cleanup_containers "multi_test_interval"
    cleanup_containers "multi_test_labeled"
    cleanup_containers "multi_test_label"
}


teardown() {
    # Clean up containers after each test
    cleanup_containers "multi_test"
    cleanup_containers "multi_test_other"
    cleanup_containers "multi_test_random"
    cleanup_containers "multi_test_interval"
    cleanup_containers "multi_test_labeled"
    cleanup_containers "multi_test_label"
}


@test "Should stop multiple containers using regex pattern" {
    skip_listed
    # Given multiple running containers with similar names
    for i in {1..3}; do
        create_test_container "multi_test_$i"
    done
    
    # Verify all containers are running
    for i in {1..3}; do
        run docker inspect -f {{.State.Status}} multi_test_$i
        assert_output "running"
    done
    
    # When stopping containers using regex pattern
    run pumba stop "re2:^multi_test_"
    
    # Then pumba should exit successfully
    assert_success
    
    # And all containers should be stopped
    for i in {1..3}; do
        run docker inspect -f {{.State.Status}} multi_test_$i
        assert_output "exited"
    done
}


@test "Should only affect containers with matching labels" {
    skip_listed
    # Given multiple containers with different labels
    # Create containers with label test=true
    create_labeled_containers "multi_test" "test" "true" 2
    
    # Create containers with label test=false 
    create_labeled_containers "multi_test_other" "test" "false" 2
    
    # Verify all containers are running
    for i in {1..2}; do
        run docker inspect -f {{.State.Status}} multi_test_$i
        assert_output "running"
        
        run docker inspect -f {{.State.Status}} multi_test_other_$i
        assert_output "running"
    done
    
    # When targeting containers with specific label
    run pumba --label test=true kill "re2:multi_test"
    
    # Then pumba should exit successfully
    assert_success
    
    # And only containers with matching label should be affected
    for i in {1..2}; do
        # Use wait_for to make sure the state change has time to take effect
        wait_for 5 "docker inspect -f '{{.State.Status}}' multi_test_$i | grep -q exited" "container multi_test_$i to be killed"
        
        run docker inspect -f {{.State.Status}} multi_test_$i
        echo "Container multi_test_$i status: $output"
        assert_output "exited"
    done
    
    # And containers with non-matching label should not be affected
    for i in {1..2}; do
        run docker inspect -f {{.State.Status}} multi_test_other_$i
        echo "Container multi_test_other_$i status: $output"
        assert_output "running"
    done
    
    # Cleanup is handled by teardown
}


@test "Should randomly select a container when using --random flag" {
    skip_listed
    # Given multiple running containers with similar names
    for i in {1..5}; do
        create_test_container "multi_test_random_$i"
    done
    
    # Verify all containers are running
    for i in {1..5}; do
        run docker inspect -f {{.State.Status}} multi_test_random_$i
        assert_output "running"
    done
    
    # When killing a random container
    run pumba --random kill "re2:multi_test_random"
    
    # Then pumba should exit successfully
    assert_success
    
    echo "Checking which containers were affected..."
    
    # Count how many containers were killed (should be exactly 1)
    local killed_count=0
    for i in {1..5}; do
        # Give containers time to change state
        sleep 1
        
        # Check container state
        container_state=$(docker inspect -f {{.State.Status}} multi_test_random_$i 2>/dev/null || echo "removed")
        echo "Container multi_test_random_$i state: $container_state"
        
        if [[ "$container_state" == "exited" ]]; then
            killed_count=$((killed_count+1))
        fi
    done
    
    echo "Total killed containers: $killed_count"
    
    # Verify exactly one container was killed
    [ $killed_count -eq 1 ]
}


@test "Should run chaos on interval with --interval flag" {
    skip_listed
    # Given a running container
    create_test_container "multi_test_interval"
    
    # Verify container is running
    run docker inspect -f {{.State.Status}} multi_test_interval
    assert_output "running"
    
    # When running pumba with interval (run pumba in background)
    # The interval flag is a global option to run commands repeatedly
    echo "Starting interval-based pumba command..."
    pumba --interval=2s kill multi_test_interval &
    PUMBA_PID=$!
    
    # Then after first interval, container should be killed
    echo "Waiting for first interval to execute..."
    wait_for 5 "docker inspect -f '{{.State.Status}}' multi_test_interval | grep -q exited" "container to be killed in first interval"
    
    # Verify container is exited
    run docker inspect -f {{.State.Status}} multi_test_interval
    echo "Container status after first interval: $output"
    assert_output "exited"
    
    # Start the container again to test next interval
    docker start multi_test_interval
    echo "Container restarted manually"
    
    # Wait for container to be running
    wait_for 5 "docker inspect -f '{{.State.Status}}' multi_test_interval | grep -q running" "container to be running again"
    
    # After second interval, container should be killed again
    echo "Waiting for second interval to execute..."
    wait_for 5 "docker inspect -f '{{.State.Status}}' multi_test_interval | grep -q exited" "container to be killed in second interval"
    
    # Verify container is exited again
    run docker inspect -f {{.State.Status}} multi_test_interval
    echo "Container status after second interval: $output"
    assert_output "exited"
    
    # Clean up the background pumba process
    echo "Stopping interval-based pumba process..."
    kill $PUMBA_PID 2>/dev/null || true
    wait $PUMBA_PID 2>/dev/null || true
}

@test "Should only affect containers matching ALL labels with multiple --label flags" {
    skip_listed
    # Container with both labels
    docker run -d --name multi_test_label_both --label app=web --label env=test faultline/pumba-alpine:local tail -f /dev/null
    # Container with only one label
    docker run -d --name multi_test_label_one --label app=web faultline/pumba-alpine:local tail -f /dev/null
    # Container with neither label
    docker run -d --name multi_test_label_none faultline/pumba-alpine:local tail -f /dev/null
    wait_for_running docker multi_test_label_both
    wait_for_running docker multi_test_label_one
    wait_for_running docker multi_test_label_none

    assert_container_running "multi_test_label_both"
    assert_container_running "multi_test_label_one"
    assert_container_running "multi_test_label_none"

    # Kill with both labels — only container with BOTH should be affected
    run pumba --label "app=web" --label "env=test" kill "re2:multi_test_label_.*"
    assert_success

    wait_for 5 "docker inspect -f '{{.State.Status}}' multi_test_label_both | grep -q exited" "both-label container to exit"
    assert_container_exited "multi_test_label_both"

    # Containers missing a label should still be running
    assert_container_running "multi_test_label_one"
    assert_container_running "multi_test_label_none"

    docker rm -f multi_test_label_both multi_test_label_one multi_test_label_none 2>/dev/null || true
}

@test "Should execute expected number of kill cycles with --interval" {
    skip_listed
    create_test_container "multi_test_interval"

    pumba --interval=2s kill multi_test_interval &
    PUMBA_PID=$!

    # Wait for first kill
    wait_for 5 "docker inspect -f '{{.State.Status}}' multi_test_interval | grep -q exited" "first kill"
    local cycle1_time
    cycle1_time=$(date +%s)

    # Restart and wait for second kill
    docker start multi_test_interval
    wait_for 5 "docker inspect -f '{{.State.Status}}' multi_test_interval | grep -q running" "restart after first kill"

    wait_for 5 "docker inspect -f '{{.State.Status}}' multi_test_interval | grep -q exited" "second kill"
    local cycle2_time
    cycle2_time=$(date +%s)

    # Restart and wait for third kill
    docker start multi_test_interval
    wait_for 5 "docker inspect -f '{{.State.Status}}' multi_test_interval | grep -q running" "restart after second kill"

    wait_for 5 "docker inspect -f '{{.State.Status}}' multi_test_interval | grep -q exited" "third kill"
    local cycle3_time
    cycle3_time=$(date +%s)

    # Verify approximately 2s between cycles (±2s tolerance)
    local interval_1=$((cycle2_time - cycle1_time))
    local interval_2=$((cycle3_time - cycle2_time))
    echo "Interval 1: ${interval_1}s, Interval 2: ${interval_2}s (expected ~2s each)"
    [ "$interval_1" -ge 1 ]
    [ "$interval_1" -le 5 ]
    [ "$interval_2" -ge 1 ]
    [ "$interval_2" -le 5 ]

    kill $PUMBA_PID 2>/dev/null || true
    wait $PUMBA_PID 2>/dev/null || true
}
